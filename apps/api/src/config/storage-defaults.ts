import { join } from 'node:path';

/**
 * With no STORAGE_LOCATIONS at all the API still starts: one local location under the
 * data folder. Any explicit STORAGE_LOCATIONS replaces these defaults entirely.
 */
export function withStorageDefaults(
  env: Record<string, string | undefined>,
  dataDir: string,
): Record<string, string | undefined> {
  // Set but empty is a mistake the storage manager names, not a request for the defaults.
  if (env.STORAGE_LOCATIONS !== undefined) return env;
  return {
    ...env,
    STORAGE_LOCATIONS: 'local',
    STORAGE_LOCAL_DRIVER: env.STORAGE_LOCAL_DRIVER ?? 'local',
    STORAGE_LOCAL_ROOT: env.STORAGE_LOCAL_ROOT ?? join(dataDir, 'uploads'),
  };
}
