import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { parseApiEnv } from '../../src/config/env.js';
import { openDatabase } from '../../src/db/database.js';
import { loadStorage } from '../../src/storage.js';

export const TEST_TOKEN = 'test-admin-token-0123456789abcdef';

export interface RunningApi {
  url: string;
  token: string;
  dataDir: string;
  /** The app's storage locations, to watch what reaches a backend. */
  storage: Awaited<ReturnType<typeof loadStorage>>;
  close(): Promise<void>;
}

/**
 * The whole app on a random loopback port, in this process (tests exercise it over
 * HTTP only). Data folder, SQLite file and the default local root live in a temp dir.
 */
export async function startApi(env: Record<string, string> = {}): Promise<RunningApi> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-api-'));
  const fullEnv = {
    STORAGE_LOCATIONS: 'local',
    STORAGE_LOCAL_DRIVER: 'local',
    STORAGE_LOCAL_ROOT: join(dataDir, 'uploads'),
    DATA_DIR: dataDir,
    ADMIN_TOKEN: TEST_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  };
  const apiEnv = parseApiEnv(fullEnv);
  const storage = await loadStorage(fullEnv);
  const db = await openDatabase(apiEnv);
  const app = await buildApp({ env: apiEnv, storage, db, adminToken: TEST_TOKEN });
  app.addHook('onClose', async () => db.destroy());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    token: TEST_TOKEN,
    dataDir,
    storage,
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
