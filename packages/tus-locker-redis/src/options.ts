import { type LockerOptions, positive } from '@stowage/tus-locker';
import type { Redis, RedisOptions } from 'ioredis';

export interface RedisLockerOptions extends LockerOptions {
  /**
   * The server: a `redis://` URL, ioredis options, or an ioredis client of the caller's
   * (used for commands, duplicated for the subscription, and left open by close()).
   */
  redis: string | RedisOptions | Redis;
  /**
   * Milliseconds a lock lives unless renewed; renewed every ttl / 3 while held. Default
   * 10 s: how long the uploads of a crashed instance stay locked (the client's retry
   * waits that long at most), against how long a stalled instance (a pause, a slow
   * network) may miss renewals before its lock is lost: two in a row.
   */
  ttl?: number;
  /** Before every lock key, so that deployments sharing a server never share locks. Default "stowage:tus-lock:". */
  prefix?: string;
  /** Pub/sub channel of release requests; instances that share locks share it. Default `${prefix}release`. */
  channel?: string;
}

export const REDIS_LOCKER_DEFAULTS = { ttl: 10_000, prefix: 'stowage:tus-lock:' } as const;

export function resolveRedisOptions(options: RedisLockerOptions) {
  const ttl = options.ttl ?? REDIS_LOCKER_DEFAULTS.ttl;
  positive('ttl', ttl);
  if (!Number.isInteger(ttl) || ttl < 30) {
    throw new RangeError('ttl must be a whole number of milliseconds, at least 30 (renewed every ttl / 3)');
  }
  const prefix = options.prefix ?? REDIS_LOCKER_DEFAULTS.prefix;
  return { ttl, prefix, channel: options.channel ?? `${prefix}release` };
}
