import { createMemoryLocker, type Locker, type LockerOptions } from '@stowage/tus-locker';
import type { Redis } from 'ioredis';
import type { TusLockerKind } from '../config/coordination-env.js';
import type { ApiEnv } from '../config/env.js';

/** A locker this instance opened and closes on shutdown. */
export type OwnedLocker = Locker & { close(): Promise<void> };

/**
 * Where a locker's locks live, apart from every other locker's on the same backend:
 * the TUS locker takes the packages' defaults, the janitor's leader lease its own.
 */
export interface LockerScope {
  /** PostgreSQL: hashed into the advisory keys. */
  namespace?: string;
  /** PostgreSQL: the LISTEN/NOTIFY channel of release requests. */
  channel?: string;
  /** Redis: after REDIS_KEY_PREFIX, before every key (the release channel follows from it). */
  redisKeys: string;
}

/**
 * A locker on `kind`'s backend. The backends' packages are imported only when used, as
 * pg is for DB_CLIENT=pg. `redis` is this instance's shared connection (TUS_LOCKER=redis).
 */
export async function openLocker(
  kind: TusLockerKind,
  { env, redis }: { env: ApiEnv; redis: Redis | undefined },
  scope: LockerScope,
  options: LockerOptions,
): Promise<OwnedLocker> {
  switch (kind) {
    case 'memory':
      return Object.assign(createMemoryLocker(options), { close: async () => {} });
    case 'postgres': {
      const { PostgresLocker } = await import('@stowage/tus-locker-postgres');
      return new PostgresLocker({
        connection: env.DB_CONNECTION_STRING!,
        maxConnections: env.TUS_LOCK_CONNECTIONS,
        namespace: scope.namespace,
        channel: scope.channel,
        ...options,
      });
    }
    case 'redis': {
      const { RedisLocker } = await import('@stowage/tus-locker-redis');
      return new RedisLocker({
        redis: redis!,
        ttl: env.TUS_LOCK_TTL,
        prefix: `${env.REDIS_KEY_PREFIX}${scope.redisKeys}`,
        ...options,
      });
    }
  }
}
