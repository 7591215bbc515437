import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase } from '@stowage/test-pg-server';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiEnv, parseApiEnv } from '../src/config/env.js';
import { Leader } from '../src/coordination/leader.js';
import { connectRedis } from '../src/coordination/redis-client.js';

const pgServer = inject('pgServer');
const redisServer = inject('redisServer');
const log = pino({ level: 'silent' });

/** One lease backend: its environment, and how to end the leader's hold without it knowing. */
interface Backend {
  env: ApiEnv;
  redis?: Redis;
  /** The holder's session ends (PostgreSQL) or its key is taken away (Redis), as when its instance stalls. */
  breakLease(): Promise<void>;
  close(): Promise<void>;
}

async function postgresBackend(): Promise<Backend> {
  const database = await createTestDatabase(pgServer!, 'leader');
  const admin = new pg.Client({ connectionString: database.connectionString });
  await admin.connect();
  return {
    env: parseApiEnv({ DB_CLIENT: 'pg', DB_CONNECTION_STRING: database.connectionString }),
    breakLease: async () => {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
    },
    close: async () => {
      await admin.end();
      await database.drop();
    },
  };
}

async function redisBackend(): Promise<Backend> {
  const prefix = `stowage-test-${randomUUID()}:`;
  const env = parseApiEnv({
    TUS_LOCKER: 'redis',
    REDIS_URL: redisServer!.url,
    REDIS_KEY_PREFIX: prefix,
    TUS_LOCK_TTL: '600ms',
  });
  const redis = await connectRedis(redisServer!.url);
  return {
    env,
    redis,
    breakLease: async () => {
      await redis.del(`${prefix}leader-lock:janitor`);
    },
    close: async () => {
      await redis.quit();
    },
  };
}

describe.skipIf(!pgServer || !redisServer).each([
  ['postgres', postgresBackend],
  ['redis', redisBackend],
] as const)('the janitor lease on %s', (kind, open) => {
  let backend: Backend;
  const leaders: Leader[] = [];
  const clients: Redis[] = [];
  /** One more API instance's leader; each its own connections, as separate processes would have. */
  const instance = async () => {
    const redis = backend.env.TUS_LOCKER === 'redis' ? await connectRedis(backend.env.REDIS_URL!) : undefined;
    if (redis) clients.push(redis);
    const leader = await Leader.open(kind, { env: backend.env, redis }, log, { tryWindow: 300 });
    leaders.push(leader);
    return leader;
  };
  beforeAll(async () => {
    backend = await open();
  });
  afterEach(async () => {
    await Promise.all(leaders.splice(0).map((leader) => leader.close()));
    await Promise.all(clients.splice(0).map((redis) => redis.quit()));
  });
  afterAll(() => backend?.close());

  it('is held by one instance: the others skip the work until it closes, then one takes over', async () => {
    const [first, second, third] = [await instance(), await instance(), await instance()];
    const runs: string[] = [];
    const work = (name: string) => async () => {
      runs.push(name);
    };
    expect(await first.run('cleanup', work('first'))).toBe(true);
    expect(await second.run('cleanup', work('second'))).toBe(false);
    expect(await third.run('cleanup', work('third'))).toBe(false);
    expect(await first.run('cleanup', work('first'))).toBe(true);
    expect(runs).toEqual(['first', 'first']);
    expect([first.leading, second.leading, third.leading]).toEqual([true, false, false]);

    await first.close();
    expect(await second.run('cleanup', work('second'))).toBe(true);
    expect(await third.run('cleanup', work('third'))).toBe(false);
    expect(runs).toEqual(['first', 'first', 'second']);
  });

  it('one run of a task at a time on the leading instance', async () => {
    const leader = await instance();
    let release!: () => void;
    const running = leader.run(
      'cleanup',
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    await sleep(50);
    expect(await leader.run('cleanup', async () => {})).toBe(false);
    expect(await leader.run('another task', async () => {})).toBe(true);
    release();
    expect(await running).toBe(true);
  });

  it('a lease lost while held (session ended, key taken away) is noticed, and another instance takes it', async () => {
    const first = await instance();
    const second = await instance();
    expect(await first.tryToLead()).toBe(true);
    await backend.breakLease();
    // PostgreSQL reports the ended session at once; Redis at the next renewal (ttl / 3).
    for (let waited = 0; first.leading && waited < 3_000; waited += 50) await sleep(50);
    expect(first.leading).toBe(false);
    expect(await second.tryToLead()).toBe(true);
    expect(await first.tryToLead()).toBe(false);
  });
});
