import { createTestDatabase } from '@stowage/test-pg-server';
import { describe, expect, inject, it } from 'vitest';
import { parseApiEnv } from '../src/config/env.js';
import { client } from './helpers/http.js';
import { startApi } from './helpers/in-process.js';
import { failedStart, spawnApi } from './helpers/process.js';
import { tempDirs } from './helpers/temp-dirs.js';

const pgServer = inject('pgServer');
const tempDir = tempDirs('stowage-coordination-');

describe('choosing the TUS locker', () => {
  it('defaults to postgres with DB_CLIENT=pg (nothing more to set), else memory', () => {
    expect(parseApiEnv({}).TUS_LOCKER).toBe('memory');
    expect(parseApiEnv({ DB_CLIENT: 'pg', DB_CONNECTION_STRING: 'postgres://db/cms' }).TUS_LOCKER).toBe(
      'postgres',
    );
    expect(
      parseApiEnv({ DB_CLIENT: 'pg', DB_CONNECTION_STRING: 'postgres://db/cms', TUS_LOCKER: 'memory' })
        .TUS_LOCKER,
    ).toBe('memory');
    expect(parseApiEnv({ TUS_LOCKER: 'redis', REDIS_URL: 'redis://cache:6379' })).toMatchObject({
      TUS_LOCKER: 'redis',
      REDIS_KEY_PREFIX: 'stowage:',
      TUS_LOCK_TIMEOUT: 30_000,
    });
  });

  it('refuses combinations that cannot work, naming the variable to change', () => {
    expect(() => parseApiEnv({ TUS_LOCKER: 'postgres' })).toThrow(/TUS_LOCKER: postgres needs DB_CLIENT=pg/);
    expect(() => parseApiEnv({ TUS_LOCKER: 'redis' })).toThrow(
      /REDIS_URL: is required when TUS_LOCKER=redis/,
    );
    expect(() => parseApiEnv({ TUS_LOCKER: 'redis', REDIS_URL: 'http://cache' })).toThrow(
      /REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(() => parseApiEnv({ TUS_LOCKER: 'zookeeper' })).toThrow(/TUS_LOCKER: /);
    expect(() => parseApiEnv({ TUS_LOCK_TTL: '5s' })).toThrow(
      /TUS_LOCK_TTL: applies to TUS_LOCKER=redis only \(the locker is memory\)/,
    );
    expect(() =>
      parseApiEnv({ TUS_LOCKER: 'redis', REDIS_URL: 'redis://c', TUS_LOCK_CONNECTIONS: '20' }),
    ).toThrow(/TUS_LOCK_CONNECTIONS: applies to TUS_LOCKER=postgres only/);
  });

  it('stops the start on a Redis it cannot reach, in one line naming REDIS_URL (and no password)', async () => {
    const { code, stderr } = await failedStart({
      DATA_DIR: await tempDir(),
      TUS_LOCKER: 'redis',
      REDIS_URL: 'redis://:secret-password@127.0.0.1:1',
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/REDIS_URL \(redis:\/\/:\*\*\*@127\.0\.0\.1:1\).*ECONNREFUSED/);
    expect(stderr).not.toContain('secret-password');
    const postgres = await failedStart({ DATA_DIR: await tempDir(), TUS_LOCKER: 'postgres' });
    expect(postgres.code).toBe(1);
    expect(postgres.stderr).toContain('TUS_LOCKER: postgres needs DB_CLIENT=pg');
  });

  it('one instance on SQLite: /server/info reports the memory locker, and this instance runs the janitor', async () => {
    const api = await startApi();
    try {
      const { body } = await client(api.url, api.token).json<{
        data: { tus: { locker: string }; janitor: { lease: string; leader: boolean } };
      }>('/server/info');
      expect(body.data.tus.locker).toBe('memory');
      expect(body.data.janitor).toEqual({ lease: 'memory', leader: true });
    } finally {
      await api.close();
    }
  });
});

describe.skipIf(!pgServer)('a local location in a deployment set up for several instances', () => {
  it('is warned about at start, naming the location', async () => {
    const database = await createTestDatabase(pgServer!, 'local_warning');
    const dataDir = await tempDir();
    const api = await spawnApi({
      PORT: '0',
      DATA_DIR: dataDir,
      ADMIN_TOKEN: 'coordination-test-token-0123456789',
      DB_CLIENT: 'pg',
      DB_CONNECTION_STRING: database.connectionString,
    });
    try {
      const warnings = api.logs().filter((entry) => entry.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ location: 'local', tusLocker: 'postgres' });
      expect(String(warnings[0]!.msg)).toContain('only this instance can serve its files and uploads');
    } finally {
      await api.stop();
      await database.drop();
    }
  });
});
