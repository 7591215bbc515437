import { setTimeout as sleep } from 'node:timers/promises';
import { type LockerError, LockLostError } from '@stowage/tus-locker';
import { acquire, releaseRecorder } from '@stowage/tus-locker/testing';
import { ERRORS } from '@tus/utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { RedisLocker } from '../src/index.js';
import { lockerServer } from './harness.js';

const server = inject('redisServer');

/** Long enough that no renewal runs within a test unless it says otherwise. */
const LONG_TTL = 60_000;

function collectErrors() {
  const errors: LockerError[] = [];
  return { errors, onError: (error: LockerError) => errors.push(error) };
}

describe('RedisLocker options', () => {
  it('refuses a ttl that is not a whole number of at least 30 ms', () => {
    for (const ttl of [0, 10, 1500.5, Number.NaN]) {
      expect(() => new RedisLocker({ redis: { lazyConnect: true }, ttl })).toThrow(/ttl/);
    }
  });
});

describe.skipIf(!server)('RedisLocker', () => {
  let redis: ReturnType<typeof lockerServer>;

  beforeAll(() => {
    redis = lockerServer(server!, 'locker');
  });
  afterAll(() => redis?.cleanup());

  it('holds the lock as the prefixed key with a ttl, and deletes it on unlock', async () => {
    const lock = redis.createLocker({ ttl: LONG_TTL }).newLock('keyed');
    await acquire(lock);
    const key = `${redis.prefix}keyed`;
    expect(await redis.admin.get(key)).toMatch(/^[0-9a-f-]{36}$/);
    const ttl = await redis.admin.pttl(key);
    expect(ttl).toBeGreaterThan(LONG_TTL - 5000);
    expect(ttl).toBeLessThanOrEqual(LONG_TTL);
    await lock.unlock();
    expect(await redis.admin.exists(key)).toBe(0);
  });

  it('renews the expiry while the lock is held, past its ttl', async () => {
    // A ttl a busy 2-core CI machine cannot outstall between renewals (every ttl/3).
    const [holder, waiter] = [redis.createLocker({ ttl: 1500 }), redis.createLocker({ ttl: 1500 })];
    const lock = holder.newLock('renewed');
    await acquire(lock);
    await sleep(4500); // three ttls
    expect(await redis.admin.pttl(`${redis.prefix}renewed`)).toBeGreaterThan(0);
    await expect(waiter.newLock('renewed').lock(AbortSignal.timeout(200), () => {})).rejects.toBe(
      ERRORS.ERR_LOCK_TIMEOUT,
    );
    await lock.unlock();
  });

  it("does not delete another owner's lock on unlock after its own expired", async () => {
    const { errors, onError } = collectErrors();
    const [old, next] = [
      redis.createLocker({ ttl: LONG_TTL, onError }),
      redis.createLocker({ ttl: LONG_TTL }),
    ];
    const key = `${redis.prefix}expired`;
    const stale = old.newLock('expired');
    await acquire(stale);
    await redis.admin.pexpire(key, 1); // it expires, before any renewal
    await vi.waitFor(async () => expect(await redis.admin.exists(key)).toBe(0));
    const fresh = next.newLock('expired');
    await acquire(fresh);
    const token = await redis.admin.get(key);

    await expect(stale.unlock()).resolves.toBeUndefined();
    expect(await redis.admin.get(key)).toBe(token);
    await expect(old.newLock('expired').lock(AbortSignal.timeout(200), () => {})).rejects.toBe(
      ERRORS.ERR_LOCK_TIMEOUT,
    );
    expect(errors.map((error) => error.code)).toEqual(['RELEASE_FAILED']);
    await fresh.unlock();
    expect(await redis.admin.exists(key)).toBe(0);
  });

  it('marks the lock lost when a renewal finds another owner, asks its request to end, and leaves the key', async () => {
    const { errors, onError } = collectErrors();
    const locker = redis.createLocker({ ttl: 300, onError });
    const lock = locker.newLock('taken');
    const recorder = releaseRecorder(lock, false);
    await acquire(lock, recorder.cancelReq);
    const key = `${redis.prefix}taken`;
    await redis.admin.set(key, 'someone-else', 'PX', LONG_TTL); // expired, then taken

    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toBeInstanceOf(LockLostError);
    expect(errors[0]?.id).toBe('taken');
    expect(recorder.asked()).toBe(1);
    await lock.unlock();
    expect(await redis.admin.get(key)).toBe('someone-else');
    await redis.admin.del(key);
  });

  it('marks the lock lost once renewals have failed for a whole ttl', async () => {
    const { errors, onError } = collectErrors();
    const locker = redis.createLocker({ ttl: 300, onError });
    const lock = locker.newLock('unrenewed');
    const recorder = releaseRecorder(lock, false);
    await acquire(lock, recorder.cancelReq);
    redis.cut(locker);
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toEqual(['LOCK_LOST']));
    expect(recorder.asked()).toBe(1);
    await expect(lock.unlock()).resolves.toBeUndefined();
  });

  it('releases the locks still held when closed, without waiting for their expiry', async () => {
    const locker = redis.createLocker({ ttl: LONG_TTL });
    const lock = locker.newLock('closing');
    await acquire(lock);
    await locker.close();
    expect(await redis.admin.exists(`${redis.prefix}closing`)).toBe(0);
    await expect(lock.unlock()).resolves.toBeUndefined();
    expect(() => locker.newLock('closing')).toThrow(/closed/);
  });

  it("closes the connections it opened, and leaves a caller's client open", async () => {
    const client = new Redis(server!.url);
    const given = new RedisLocker({ redis: client, prefix: redis.prefix });
    const owned = new RedisLocker({ redis: server!.url, prefix: redis.prefix });
    const locks = [given.newLock('client-a'), owned.newLock('client-b')];
    await Promise.all(locks.map((lock) => acquire(lock)));
    const before = await clientCount();
    await Promise.all([given.close(), owned.close()]);
    await vi.waitFor(async () => expect(await clientCount()).toBe(before - 3)); // 2 subscribers, 1 owned client
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });

  async function clientCount(): Promise<number> {
    const list = (await redis.admin.client('LIST')) as string;
    return list.trim().split('\n').length;
  }
});
