export { REDIS_LOCKER_DEFAULTS, type RedisLockerOptions } from './options.js';
export { RedisLocker } from './redis-locker.js';
