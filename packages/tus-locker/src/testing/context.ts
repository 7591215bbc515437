import type { Lock, Locker, RequestRelease } from '@tus/utils';

/** What the suite needs of one locker implementation. */
export interface LockerUnderTest {
  /**
   * A locker as one more API instance would have it: its own connections to the shared
   * backend. A process-local locker (memory) answers the same locker every time, since
   * it has no instances to span; `acquireTimeout` then applies to that call's only.
   * Lockers with a `close()` are closed by the suite.
   */
  createLocker(options?: { acquireTimeout?: number }): Locker | Promise<Locker>;
  /**
   * Makes `locker`, which holds the lock on `id`, die as a crashed instance would: its
   * connection ends without an unlock. Absent: the dead-holder case is skipped (a
   * process-local lock dies with its process, there is no one left to wait).
   */
  killHolder?(locker: Locker, id: string): Promise<void>;
  /** Removes what setup made (a database, keys). */
  cleanup?(): Promise<void>;
}

export interface LockerConformanceOptions {
  /** Milliseconds within which a dead holder's lock becomes free (a TTL, say). Default 5000. */
  deadHolderTimeout?: number;
  /**
   * Whether `unlock()` of a Lock that does not hold the lock refuses while another
   * holds it. Default true; @tus/server's MemoryLocker says false: it deletes whatever
   * lock the id has.
   */
  unlockChecksOwner?: boolean;
}

export interface LockerContext {
  /** A locker as createLocker gives it (tracked for closing); only inside tests. */
  locker(options?: { acquireTimeout?: number }): Promise<Locker>;
  /** An upload id no other case or run uses. */
  id(): string;
  readonly killHolder: LockerUnderTest['killHolder'];
  readonly options: Required<LockerConformanceOptions>;
}

/** Long enough for any healthy acquire on a loaded 2-core machine; a hung one fails the test instead of it. */
export const ACQUIRE_BOUND = 10_000;

/** Locks `lock`, failing after ACQUIRE_BOUND rather than waiting forever. */
export async function acquire(lock: Lock, cancelReq: RequestRelease = () => {}): Promise<void> {
  await lock.lock(AbortSignal.timeout(ACQUIRE_BOUND), cancelReq);
}

/**
 * A holder's cancelReq that counts how often it was asked to let go, and unlocks
 * (once) when `release` says so, as tus's request does when it ends.
 */
export function releaseRecorder(
  lock: Lock,
  release: boolean,
): { cancelReq: RequestRelease; asked: () => number } {
  let asked = 0;
  return {
    cancelReq: () => {
      asked += 1;
      if (release && asked === 1) return lock.unlock();
    },
    asked: () => asked,
  };
}

/** Whether `promise` is still unsettled after `ms`. */
export async function stillPending(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  const settled = await Promise.race([
    promise.then(
      () => 'resolved',
      () => 'rejected',
    ),
    new Promise((resolve) => setTimeout(resolve, ms, pending)),
  ]);
  return settled === pending;
}
