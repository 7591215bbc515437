import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS } from '@tus/utils';
import type { ResolvedLockerOptions } from './options.js';

export interface AcquireLoop<Lease> {
  /** The request's signal: its abort ends the wait. */
  signal: AbortSignal;
  options: Pick<ResolvedLockerOptions, 'acquireTimeout' | 'retryDelay'>;
  /**
   * One attempt: the lease when the lock is now held, undefined when someone else
   * holds it. Gets the loop's signal (request aborted or acquire timeout reached) for
   * whatever it waits on; once that has aborted it must hold nothing when it returns.
   */
  attempt(signal: AbortSignal): Promise<Lease | undefined>;
}

/**
 * Attempts until the lock is held or the wait ends, pausing with growing, jittered
 * delays. A wait that ends fails with ERR_LOCK_TIMEOUT, as MemoryLocker's; whatever an
 * attempt throws (the backend is down) ends it at once, since retrying would only make
 * the client wait for the same answer.
 */
export async function acquireWithRetry<Lease>({
  signal,
  options,
  attempt,
}: AcquireLoop<Lease>): Promise<Lease> {
  const waiting = AbortSignal.any([signal, AbortSignal.timeout(options.acquireTimeout)]);
  let bound = options.retryDelay.initial;
  while (!waiting.aborted) {
    const lease = await attempt(waiting);
    if (lease !== undefined) return lease;
    const delay = bound / 2 + (Math.random() * bound) / 2;
    bound = Math.min(bound * 2, options.retryDelay.max);
    try {
      await sleep(delay, undefined, { signal: waiting });
    } catch {
      break; // aborted
    }
  }
  throw ERRORS.ERR_LOCK_TIMEOUT;
}
