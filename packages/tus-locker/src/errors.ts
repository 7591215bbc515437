/**
 * Typed locker failures. A lock that cannot be acquired in time is not among them: it
 * fails with @tus/utils' `ERRORS.ERR_LOCK_TIMEOUT`, the object @tus/server turns into
 * its response, exactly as its own MemoryLocker does.
 */
export type LockerErrorCode = 'LOCK_LOST' | 'LOCK_NOT_HELD' | 'RELEASE_FAILED' | 'RELEASE_REQUEST_FAILED';

export class LockerError extends Error {
  constructor(
    readonly code: LockerErrorCode,
    /** The upload id the lock is for. */
    readonly id: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A held lock stopped keeping others out before it was unlocked: its connection died,
 * or it expired and may now belong to someone else. Reported, not thrown (nobody is
 * waiting on a held lock); the holder's request is asked to end, as a waiter would.
 */
export class LockLostError extends LockerError {
  constructor(id: string, reason: string, options?: { cause?: unknown }) {
    super('LOCK_LOST', id, `Lock on upload "${id}" lost: ${reason}`, options);
  }
}

/** `unlock()` on a lock that this Lock does not hold: a bug in the caller, as with MemoryLocker. */
export class LockNotHeldError extends LockerError {
  constructor(id: string) {
    super('LOCK_NOT_HELD', id, `Releasing a lock on upload "${id}" that is not held`);
  }
}

export function isLockerError(error: unknown): error is LockerError {
  return error instanceof LockerError;
}
