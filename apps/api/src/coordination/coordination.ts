import type { Locker } from '@stowage/tus-locker';
import type { FastifyBaseLogger } from 'fastify';
import type { TusLockerKind } from '../config/coordination-env.js';
import type { ApiEnv } from '../config/env.js';
import type { Locations } from '../locations.js';
import { Leader } from './leader.js';
import { openLocker } from './lockers.js';
import { connectRedis } from './redis-client.js';

/** What lets several instances serve one deployment: the TUS locker they share, and the janitor's leader lease. */
export interface Coordination {
  /** Shared by every location's tus server: upload ids are UUIDs, unique across locations. */
  readonly tusLocker: Locker;
  readonly tusLockerKind: TusLockerKind;
  readonly leader: Leader;
  close(): Promise<void>;
}

/**
 * The lease lives on the coordination backend the deployment chose: Redis when the TUS
 * locks do, else the PostgreSQL database when there is one, else this process alone.
 */
export function leaseKind(env: ApiEnv): TusLockerKind {
  if (env.TUS_LOCKER === 'redis') return 'redis';
  return env.DB_CLIENT === 'pg' ? 'postgres' : 'memory';
}

export async function openCoordination(
  env: ApiEnv,
  storage: Locations,
  log: FastifyBaseLogger,
): Promise<Coordination> {
  const redis = env.TUS_LOCKER === 'redis' ? await connectRedis(env.REDIS_URL!) : undefined;
  const backends = { env, redis };
  const tusLocker = await openLocker(
    env.TUS_LOCKER,
    backends,
    { redisKeys: 'tus-lock:' },
    {
      acquireTimeout: env.TUS_LOCK_TIMEOUT,
      onError: (error) => log.warn({ err: error, upload: error.id }, 'tus lock: %s', error.message),
    },
  );
  const leader = await Leader.open(leaseKind(env), backends, log);
  void leader.tryToLead();
  warnAboutLocalLocations(env, storage, log);
  return {
    tusLocker,
    tusLockerKind: env.TUS_LOCKER,
    leader,
    close: async () => {
      await Promise.all([leader.close(), tusLocker.close()]);
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * A `local` location keeps its files and its unfinished uploads on one machine's disk:
 * the other instances cannot serve them. One process cannot see whether others run, so
 * a deployment set up for several (a shared locker) is told at start.
 */
function warnAboutLocalLocations(env: ApiEnv, storage: Locations, log: FastifyBaseLogger): void {
  if (env.TUS_LOCKER === 'memory') return;
  for (const name of storage.locationNames) {
    if (storage.driverNameOf(name) !== 'local') continue;
    log.warn(
      { location: name, tusLocker: env.TUS_LOCKER },
      'location "%s" is on this machine\'s disk: only this instance can serve its files and uploads. Behind a load balancer, use S3 locations only (see "Running several instances" in the README)',
      name,
    );
  }
}
