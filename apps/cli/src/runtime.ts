import {
  type ApiEnv,
  FileRecords,
  type Locations,
  loadStorage,
  openDatabase,
  parseApiEnv,
  withDotEnv,
  withStorageDefaults,
} from '@stowage/api';

/** What every command works on: the API's own configuration, locations and records. */
export interface Runtime {
  env: ApiEnv;
  /** The variables as the API would see them (`.env` underneath the process's own). */
  variables: Record<string, string | undefined>;
  storage: Locations;
  records: FileRecords;
  close(): Promise<void>;
}

/**
 * Opens what the API would open from the same environment, `.env` and working
 * directory: the same locations (with the API's defaults), the same database.
 */
export async function openRuntime(envFile: string): Promise<Runtime> {
  const variables = withDotEnv(process.env, envFile);
  const env = parseApiEnv(variables);
  const storage = await loadStorage(withStorageDefaults(variables, env.DATA_DIR));
  const db = await openDatabase(env);
  return {
    env,
    variables,
    storage,
    records: new FileRecords(db),
    close: () => db.destroy(),
  };
}
