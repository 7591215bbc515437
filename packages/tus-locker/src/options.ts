import type { LockerError } from './errors.js';

/** Options every locker of this family takes. */
export interface LockerOptions {
  /**
   * Milliseconds `lock()` waits at most, on top of the request's own signal, before it
   * fails with ERR_LOCK_TIMEOUT. Default 30 s, as @tus/server's MemoryLocker: long
   * enough for a holder to end its request once asked, short enough that a client
   * behind a stuck holder gets an answer and retries.
   */
  acquireTimeout?: number;
  /**
   * Pause between two attempts at a held lock, growing from `initial` to `max` ms
   * (each pause drawn between half and all of its bound, so waiters on several
   * instances do not retry in step). Default 10 → 100 ms: a released lock is taken
   * within ~0.1 s, at ≤ 10 attempts a second per waiter.
   */
  retryDelay?: { initial?: number; max?: number };
  /**
   * Where failures go that no caller awaits: a lock lost while held, a release left
   * to expiry, a release request that could not be sent. Default `console.warn`.
   */
  onError?: (error: LockerError) => void;
}

export const DEFAULT_ACQUIRE_TIMEOUT = 30_000;
export const DEFAULT_RETRY_DELAY = { initial: 10, max: 100 } as const;

export type ResolvedLockerOptions = Required<LockerOptions> & {
  retryDelay: { initial: number; max: number };
};

export function resolveLockerOptions(options: LockerOptions = {}): ResolvedLockerOptions {
  const acquireTimeout = options.acquireTimeout ?? DEFAULT_ACQUIRE_TIMEOUT;
  const initial = options.retryDelay?.initial ?? DEFAULT_RETRY_DELAY.initial;
  const max = options.retryDelay?.max ?? Math.max(initial, DEFAULT_RETRY_DELAY.max);
  positive('acquireTimeout', acquireTimeout);
  positive('retryDelay.initial', initial);
  if (!(max >= initial)) throw new RangeError(`retryDelay.max must be at least retryDelay.initial`);
  return {
    acquireTimeout,
    retryDelay: { initial, max },
    onError: options.onError ?? ((error) => console.warn(error)),
  };
}

/** Throws a RangeError naming the option unless `value` is a finite number above 0. */
export function positive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a number above 0`);
}
