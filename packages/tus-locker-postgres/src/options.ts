import { type LockerOptions, positive } from '@stowage/tus-locker';
import type pg from 'pg';

export interface PostgresLockerOptions extends LockerOptions {
  /** The database: a connection string or pg's client settings (host, user, ssl, …). */
  connection: string | pg.ClientConfig;
  /**
   * The most connections this locker opens, its listener for release requests
   * included. Default 10. A held lock pins a connection for as long as its request
   * runs, so this bounds the locks one instance holds at once (maxConnections − 1);
   * beyond that lock() waits for a connection until its acquire timeout. Every API
   * instance opens this many: keep instances × maxConnections under the server's
   * max_connections (100 by default) next to the API's own pool.
   */
  maxConnections?: number;
  /**
   * Hashed into every lock key, so that lockers of different deployments (or of other
   * software) on one database never share locks. Default "stowage:tus".
   */
  namespace?: string;
  /** Channel of release requests (NOTIFY); instances that share locks share it. Default "stowage_tus_lock_release". */
  channel?: string;
}

export const POSTGRES_LOCKER_DEFAULTS = {
  maxConnections: 10,
  namespace: 'stowage:tus',
  channel: 'stowage_tus_lock_release',
} as const;

const SERVER_KEEPALIVES = '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3';

export function resolvePostgresOptions(options: PostgresLockerOptions) {
  const maxConnections = options.maxConnections ?? POSTGRES_LOCKER_DEFAULTS.maxConnections;
  positive('maxConnections', maxConnections);
  if (!Number.isInteger(maxConnections) || maxConnections < 2) {
    throw new RangeError(
      'maxConnections must be an integer of at least 2: one listens, the others hold locks',
    );
  }
  const config =
    typeof options.connection === 'string' ? { connectionString: options.connection } : options.connection;
  return {
    config: {
      // A vanished server (a host gone, no reset) is noticed within ~40 s, and its locks
      // marked lost, instead of after the system's 2 h keepalive default.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...config,
      // The other way round matters more: the server frees a vanished instance's locks
      // only once it notices the connection is dead (~25 s with these, not 2 h).
      options: [config.options, SERVER_KEEPALIVES].filter(Boolean).join(' '),
    },
    maxConnections,
    namespace: options.namespace ?? POSTGRES_LOCKER_DEFAULTS.namespace,
    channel: options.channel ?? POSTGRES_LOCKER_DEFAULTS.channel,
  };
}
