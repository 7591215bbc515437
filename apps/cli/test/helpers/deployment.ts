import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, loadStorage, openDatabase, parseApiEnv } from '@stowage/api';

export const TOKEN = 'cli-test-admin-token-0123456789';

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Deterministic content of a given size: every file of a test differs by its seed. */
export function bytes(size: number, seed: number): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return buffer;
}

export interface Deployment {
  /** The environment the API runs with, and the CLI is given. */
  env: Record<string, string>;
  dataDir: string;
  url: string;
  /** Requests to the running API with the admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  upload(location: string, name: string, content: Uint8Array): Promise<FileJson>;
  file(id: string): Promise<FileJson>;
  close(): Promise<void>;
}

export interface FileJson {
  id: string;
  storage: string;
  filename_disk: string;
  filesize: number;
  checksum: string;
  modified_on: string;
}

/**
 * A deployment as an operator has it: the API serving (in this process, on loopback)
 * with local folders under a temporary data folder (given to `extra`), plus whatever
 * `extra` adds (S3 locations, PostgreSQL). The CLI runs against the same environment.
 */
export async function startDeployment(
  extra: Record<string, string> | ((dataDir: string) => Record<string, string>),
): Promise<Deployment> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-cli-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    ADMIN_TOKEN: TOKEN,
    LOG_LEVEL: 'silent',
    STORAGE_LOCAL_DRIVER: 'local',
    STORAGE_LOCAL_ROOT: join(dataDir, 'uploads'),
    ...(typeof extra === 'function' ? extra(dataDir) : extra),
  };
  const apiEnv = parseApiEnv(env);
  const storage = await loadStorage(env);
  const db = await openDatabase(apiEnv);
  const app = await buildApp({ env: apiEnv, storage, db, adminToken: TOKEN });
  app.addHook('onClose', async () => db.destroy());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string>) },
    });
  return {
    env,
    dataDir,
    url,
    api,
    async upload(location, name, content) {
      const form = new FormData();
      form.append('storage', location);
      form.append('file', new Blob([content]), name);
      const response = await api('/files', { method: 'POST', body: form });
      if (response.status !== 200)
        throw new Error(`upload answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { data: FileJson }).data;
    },
    async file(id) {
      return ((await (await api(`/files/${id}`)).json()) as { data: FileJson }).data;
    },
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
