export { advisoryLockKey } from './advisory-key.js';
export { POSTGRES_LOCKER_DEFAULTS, type PostgresLockerOptions } from './options.js';
export { PostgresLocker } from './postgres-locker.js';
