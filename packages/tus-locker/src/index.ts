export type { Lock, Locker, RequestRelease } from '@tus/utils';
export { type AcquireLoop, acquireWithRetry } from './acquire.js';
export {
  isLockerError,
  LockerError,
  type LockerErrorCode,
  LockLostError,
  LockNotHeldError,
} from './errors.js';
export { type LeaseBackend, LeaseLocker } from './lease-locker.js';
export { createMemoryLocker, MemoryLocker } from './memory-locker.js';
export {
  DEFAULT_ACQUIRE_TIMEOUT,
  DEFAULT_RETRY_DELAY,
  type LockerOptions,
  positive,
  type ResolvedLockerOptions,
  resolveLockerOptions,
} from './options.js';
