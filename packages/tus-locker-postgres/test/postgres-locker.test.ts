import { type LockerError, LockLostError } from '@stowage/tus-locker';
import { acquire, releaseRecorder } from '@stowage/tus-locker/testing';
import { ERRORS } from '@tus/utils';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { advisoryLockKey, PostgresLocker } from '../src/index.js';
import { lockerDatabase } from './harness.js';

const server = inject('pgServer');

describe('advisoryLockKey', () => {
  it('is the same on every version and server: 64 bits of SHA-256 over namespace and id', () => {
    expect(advisoryLockKey('stowage:tus', 'upload-1')).toEqual([-208279896, -1500495270]);
  });

  it('differs between namespaces', () => {
    expect(advisoryLockKey('other', 'upload-1')).not.toEqual(advisoryLockKey('stowage:tus', 'upload-1'));
  });
});

describe('PostgresLocker options', () => {
  it('refuses fewer than 2 connections: one listens, the others hold locks', () => {
    expect(() => new PostgresLocker({ connection: 'postgres://127.0.0.1/none', maxConnections: 1 })).toThrow(
      /maxConnections/,
    );
  });
});

describe.skipIf(!server)('PostgresLocker', () => {
  let database: Awaited<ReturnType<typeof lockerDatabase>>;
  let names = 0;
  const applicationName = () => `locker-test-${process.pid}-${++names}`;

  beforeAll(async () => {
    database = await lockerDatabase(server!, 'postgres locker');
  });
  afterAll(() => database?.cleanup());

  it('holds the advisory lock of the key on one session, and unlocks it there, keeping the session', async () => {
    const name = applicationName();
    const locker = database.createLocker({
      connection: { connectionString: database.connectionString, application_name: name },
    });
    const lock = locker.newLock('keyed');
    await acquire(lock);
    const [holder] = await database.holderPids('keyed');
    expect(holder).toBeTypeOf('number');
    const sessions = await database.sessions(name);
    expect(sessions).toBe(2); // the listener and the holder

    await lock.unlock();
    expect(await database.holderPids('keyed')).toEqual([]);
    expect(await database.sessions(name)).toBe(sessions); // back in the pool, not closed
  });

  it('keeps lockers of different namespaces apart', async () => {
    const [a, b] = [database.createLocker({ namespace: 'one' }), database.createLocker({ namespace: 'two' })];
    const locks = [a.newLock('shared-id'), b.newLock('shared-id')];
    await Promise.all(locks.map((lock) => acquire(lock)));
    expect(await database.holderPids('shared-id', 'one')).toHaveLength(1);
    expect(await database.holderPids('shared-id', 'two')).toHaveLength(1);
    await Promise.all(locks.map((lock) => lock.unlock()));
  });

  it('opens at most maxConnections; a lock beyond them waits for a connection', async () => {
    const name = applicationName();
    const locker = database.createLocker({
      connection: { connectionString: database.connectionString, application_name: name },
      maxConnections: 3,
    });
    const held = ['bound-1', 'bound-2'].map((id) => locker.newLock(id));
    await Promise.all(held.map((lock) => acquire(lock)));
    await expect(locker.newLock('bound-3').lock(AbortSignal.timeout(300), () => {})).rejects.toBe(
      ERRORS.ERR_LOCK_TIMEOUT,
    );
    expect(await database.sessions(name)).toBe(3);

    const third = locker.newLock('bound-3');
    const waiting = acquire(third);
    await held[0]!.unlock();
    await waiting;
    expect(await database.sessions(name)).toBe(3);
    await Promise.all([held[1]!.unlock(), third.unlock()]);
  });

  it('reports a lock whose session ends as lost, asks its request to end, and locks the id again', async () => {
    const errors: LockerError[] = [];
    const locker = database.createLocker({ onError: (error) => errors.push(error) });
    const lock = locker.newLock('lost');
    const recorder = releaseRecorder(lock, false);
    await acquire(lock, recorder.cancelReq);

    await database.terminateHolder('lost');
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toBeInstanceOf(LockLostError);
    expect(errors[0]?.id).toBe('lost');
    expect(recorder.asked()).toBe(1);
    await expect(lock.unlock()).resolves.toBeUndefined();

    for (const again of [database.createLocker().newLock('lost'), locker.newLock('lost')]) {
      await again.lock(AbortSignal.timeout(2000), () => {});
      await again.unlock();
    }
    expect(errors).toHaveLength(1);
  });

  it('hears release requests again after its listening session ended', async () => {
    const name = applicationName();
    const holderLocker = database.createLocker({
      connection: { connectionString: database.connectionString, application_name: name },
    });
    const holder = holderLocker.newLock('relisten');
    const recorder = releaseRecorder(holder, true);
    await acquire(holder, recorder.cancelReq);
    const { rows } = await database.admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`,
      [name],
    );
    expect(rows).toHaveLength(1);
    await database.admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);

    const waiter = database.createLocker().newLock('relisten');
    await acquire(waiter);
    expect(recorder.asked()).toBeGreaterThanOrEqual(1);
    await waiter.unlock();
  });

  it('frees the locks still held when closed; their unlock then has nothing to do', async () => {
    const locker = database.createLocker();
    const lock = locker.newLock('closing');
    await acquire(lock);
    await locker.close();
    const next = database.createLocker().newLock('closing');
    await next.lock(AbortSignal.timeout(2000), () => {});
    await expect(lock.unlock()).resolves.toBeUndefined();
    expect(() => locker.newLock('closing')).toThrow(/closed/);
    await next.unlock();
  });
});
