import { MemoryLocker } from '@tus/server';
import { DEFAULT_ACQUIRE_TIMEOUT, type LockerOptions } from './options.js';

export { MemoryLocker };

/**
 * @tus/server's own in-process locker, on this family's option names: for a single
 * instance, and as the reference the conformance suite is checked against.
 */
export function createMemoryLocker(options: Pick<LockerOptions, 'acquireTimeout'> = {}): MemoryLocker {
  return new MemoryLocker({ acquireLockTimeout: options.acquireTimeout ?? DEFAULT_ACQUIRE_TIMEOUT });
}
