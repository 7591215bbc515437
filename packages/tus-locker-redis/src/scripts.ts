/**
 * Owner-checked operations on a lock key, as Lua so that check and change are one
 * atomic step: a lock that expired and was taken by another owner meanwhile is left
 * alone. KEYS[1] the lock key, ARGV[1] the owner's token.
 */

/** Deletes the key if it is still ours: 1, else 0. */
export const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

/** Sets the key's expiry to ARGV[2] ms if it is still ours: 1, else 0. */
export const RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`;
