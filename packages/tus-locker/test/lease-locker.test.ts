import { ERRORS } from '@tus/utils';
import { describe, expect, it, vi } from 'vitest';
import {
  type LeaseBackend,
  LeaseLocker,
  type LockerError,
  type LockerOptions,
  LockLostError,
} from '../src/index.js';
import { acquire, describeLockerConformance, releaseRecorder } from '../src/testing/index.js';

interface Lease {
  key: string;
  token: number;
}

/**
 * A shared store in memory, standing in for PostgreSQL or Redis: it tests the shared
 * logic on its own. Keys fold case, so that distinct ids can share a lock, as hashed
 * keys may.
 */
function fakeStore() {
  const owners = new Map<string, number>();
  const lockers = new Set<LeaseLocker<Lease>>();
  let tokens = 0;
  const faults = { release: false, requestRelease: false };
  const acquired: Lease[] = [];
  const released: Lease[] = [];
  const closed: Lease[][] = [];

  function createLocker(options?: LockerOptions): LeaseLocker<Lease> {
    const backend: LeaseBackend<Lease> = {
      keyOf: (id) => id.toLowerCase(),
      tryAcquire: async (key) => {
        if (owners.has(key)) return undefined;
        const lease = { key, token: ++tokens };
        owners.set(key, lease.token);
        acquired.push(lease);
        return lease;
      },
      release: async (lease) => {
        if (faults.release) throw new Error('store unreachable: the lock expires by itself');
        released.push(lease);
        if (owners.get(lease.key) === lease.token) owners.delete(lease.key);
      },
      requestRelease: async (key) => {
        if (faults.requestRelease) throw new Error('store unreachable');
        for (const locker of lockers) locker.releaseRequested(key);
      },
      close: async (abandoned) => {
        closed.push(abandoned);
      },
    };
    const locker = new LeaseLocker(backend, { retryDelay: { initial: 1, max: 5 }, ...options });
    lockers.add(locker);
    return locker;
  }
  return { owners, faults, acquired, released, closed, createLocker };
}

describeLockerConformance('lease locker on a fake store', async () => {
  const store = fakeStore();
  return {
    createLocker: (options) => store.createLocker(options),
    // The store frees a dead holder's lock (its connection closed); the holder's locker is never told.
    killHolder: async (_locker, id) => {
      store.owners.delete(id.toLowerCase());
    },
  };
});

function collectErrors(): { onError: (error: LockerError) => void; errors: LockerError[] } {
  const errors: LockerError[] = [];
  return { onError: (error) => errors.push(error), errors };
}

describe('LeaseLocker', () => {
  it("reports a lost lease, asks its request to end, and its unlock touches the new owner's lock not", async () => {
    const store = fakeStore();
    const { onError, errors } = collectErrors();
    const locker = store.createLocker({ onError });
    const lock = locker.newLock('upload');
    const recorder = releaseRecorder(lock, false);
    await acquire(lock, recorder.cancelReq);
    const lease = store.acquired[0]!;

    store.owners.set('upload', 999); // expired and taken by someone else
    locker.leaseLost('upload', lease, 'expired');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(LockLostError);
    expect(errors[0]).toMatchObject({ code: 'LOCK_LOST', id: 'upload' });
    expect(recorder.asked()).toBe(1);
    expect(locker.held).toBe(0);

    await lock.unlock();
    expect(store.released).toEqual([]);
    expect(store.owners.get('upload')).toBe(999);
  });

  it('ignores a loss reported for a lease it no longer holds', async () => {
    const store = fakeStore();
    const { onError, errors } = collectErrors();
    const locker = store.createLocker({ onError });
    const lock = locker.newLock('upload');
    await acquire(lock);
    locker.leaseLost('upload', { key: 'upload', token: -1 }, 'an older lease');
    expect(errors).toEqual([]);
    expect(locker.held).toBe(1);
    await lock.unlock();
  });

  it('reports a failed release instead of failing the finished request', async () => {
    const store = fakeStore();
    const { onError, errors } = collectErrors();
    const locker = store.createLocker({ onError });
    const lock = locker.newLock('upload');
    await acquire(lock);
    store.faults.release = true;
    await expect(lock.unlock()).resolves.toBeUndefined();
    expect(errors.map((error) => error.code)).toEqual(['RELEASE_FAILED']);
    expect(errors[0]?.cause).toBeInstanceOf(Error);
    expect(locker.held).toBe(0);
  });

  it('keeps waiting when a release request cannot be sent, and reports it', async () => {
    const store = fakeStore();
    const { onError, errors } = collectErrors();
    const [a, b] = [store.createLocker(), store.createLocker({ onError })];
    const holder = a.newLock('upload');
    await acquire(holder);
    store.faults.requestRelease = true;
    const waiting = acquire(b.newLock('upload'));
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));
    await holder.unlock();
    await waiting;
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(['RELEASE_REQUEST_FAILED']));
  });

  it('makes ids that share a key exclude each other, and asks the holder of the other id to let go', async () => {
    const store = fakeStore();
    const [a, b] = [store.createLocker(), store.createLocker()];
    const holder = a.newLock('Upload');
    const recorder = releaseRecorder(holder, true);
    await acquire(holder, recorder.cancelReq);
    const waiter = b.newLock('upload');
    await acquire(waiter);
    expect(recorder.asked()).toBeGreaterThanOrEqual(1);
    await waiter.unlock();
  });

  it('refuses a second lock() on a Lock that holds or is acquiring', async () => {
    const store = fakeStore();
    const locker = store.createLocker();
    const lock = locker.newLock('upload');
    await acquire(lock);
    await expect(acquire(lock)).rejects.toThrow(/already held/);
    await lock.unlock();

    const holder = locker.newLock('other');
    await acquire(holder);
    const waiter = locker.newLock('other');
    const waiting = waiter.lock(AbortSignal.timeout(200), () => {});
    await expect(acquire(waiter)).rejects.toThrow(/being acquired/);
    await expect(waiting).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await holder.unlock();
  });

  it('hands the backend the locks still held on close, whose unlocks then have nothing to do', async () => {
    const store = fakeStore();
    const locker = store.createLocker();
    const locks = ['a', 'b'].map((id) => locker.newLock(id));
    await Promise.all(locks.map((lock) => acquire(lock)));
    await Promise.all([locker.close(), locker.close()]);
    expect(store.closed).toHaveLength(1);
    expect(store.closed[0]?.map((lease) => lease.key).sort()).toEqual(['a', 'b']);
    expect(locker.held).toBe(0);
    await Promise.all(locks.map((lock) => lock.unlock()));
    expect(store.released).toEqual([]);
    expect(() => locker.newLock('a')).toThrow(/closed/);
  });
  it('gives up a lock acquired while closing, and fails that acquire', async () => {
    const store = fakeStore();
    const [a, b] = [store.createLocker(), store.createLocker()];
    const holder = a.newLock('late');
    await acquire(holder);
    const waiting = b.newLock('late').lock(AbortSignal.timeout(2000), () => {});
    const closing = b.close();
    await holder.unlock();
    await expect(waiting).rejects.toThrow(/closed/);
    await closing;
    expect(store.owners.has('late')).toBe(false);
  });
});
