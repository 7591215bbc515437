import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseApiEnv } from '../src/config/env.js';
import { bytes, client } from './helpers/http.js';
import { failedStart, spawnApi } from './helpers/process.js';
import { tempDirs } from './helpers/temp-dirs.js';

const tempDir = tempDirs('stowage-start-');

describe('configuration', () => {
  it('has working defaults', () => {
    expect(parseApiEnv({})).toMatchObject({
      PORT: 8055,
      HOST: '0.0.0.0',
      DB_CLIENT: 'sqlite',
      TUS_ENABLED: true,
      TUS_CHUNK_SIZE: 8 * 1024 * 1024,
      ASSETS_PUBLIC: false,
    });
    expect(parseApiEnv({ FILES_MAX_UPLOAD_SIZE: '1.5gb', TUS_UPLOAD_EXPIRATION: '10m' })).toMatchObject({
      FILES_MAX_UPLOAD_SIZE: 1.5 * 1024 ** 3,
      TUS_UPLOAD_EXPIRATION: 600_000,
    });
  });

  it('names every faulty variable in one line', () => {
    const attempt = () =>
      parseApiEnv({ PORT: 'eighty', FILES_MAX_UPLOAD_SIZE: 'huge', ASSETS_PUBLIC: 'maybe' });
    expect(attempt).toThrow(
      /^Invalid configuration: PORT: .*FILES_MAX_UPLOAD_SIZE: expected a byte size.*ASSETS_PUBLIC: expected a boolean/,
    );
    expect(() => parseApiEnv({ DB_CLIENT: 'pg' })).toThrow(
      /DB_CONNECTION_STRING: is required when DB_CLIENT=pg/,
    );
  });
});

describe('the built server', () => {
  it('refuses a bad configuration with one line naming the variable and no stack', async () => {
    const dir = await tempDir();
    const { code, stderr } = await failedStart({ PORT: '99999', DATA_DIR: dir });
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('PORT');
    const storage = await failedStart({ DATA_DIR: dir, STORAGE_LOCATIONS: 'a', STORAGE_A_DRIVER: 'ftp' });
    expect(storage.code).not.toBe(0);
    expect(storage.stderr.trim().split('\n')).toHaveLength(1);
    expect(storage.stderr).toContain('STORAGE_A_DRIVER');
    expect(storage.stderr).not.toMatch(/\n\s+at /);
    const empty = await failedStart({ DATA_DIR: dir, STORAGE_LOCATIONS: '' });
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('STORAGE_LOCATIONS is required');
  });

  it('starts with no environment at all: local storage, SQLite, a generated token printed once', async () => {
    const cwd = await tempDir();
    const first = await spawnApi({ PORT: '0' }, cwd);
    const printed = first.plainOutput().match(/ADMIN_TOKEN generated and kept in (.+):\n(\S+)/);
    expect(printed).not.toBeNull();
    const token = printed![2]!;
    expect(printed![1]).toBe('data/admin-token');
    expect((await stat(join(cwd, 'data/admin-token'))).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(first.logs())).not.toContain(token);

    expect((await fetch(`${first.url}/server/health`)).status).toBe(200);
    const http = client(first.url, token);
    const file = await http.uploadOk({}, { name: 'hello.txt', type: 'text/plain', content: bytes(100) });
    expect(file.storage).toBe('local');
    expect((await readFile(join(cwd, 'data/uploads', file.filename_disk))).equals(bytes(100))).toBe(true);
    await stat(join(cwd, 'data/database.sqlite'));
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await spawnApi({ PORT: '0' }, cwd);
    expect(second.plainOutput()).not.toContain('ADMIN_TOKEN');
    expect((await client(second.url, token).json(`/files/${file.id}`)).status).toBe(200);
    expect(await second.stop('SIGINT')).toBe(0);
  });
});
