import { LeaseLocker, type Lock, type Locker } from '@stowage/tus-locker';
import pg from 'pg';
import { advisoryLockKey, formatKey, parseKey } from './advisory-key.js';
import { type PostgresLockerOptions, resolvePostgresOptions } from './options.js';

/** A held lock: the session that holds it, pinned until unlock. */
interface Lease {
  readonly key: string;
  readonly client: pg.PoolClient;
  readonly onConnectionLost: (error?: Error) => void;
}

/**
 * A @tus/server Locker on PostgreSQL session-level advisory locks, for several API
 * instances on one database. A held lock is a session holding
 * `pg_try_advisory_lock(key)`: it dies with its connection, so no lock outlives a dead
 * instance. Release requests travel as NOTIFY on one channel, which every instance
 * LISTENs to on a connection of its own.
 */
export class PostgresLocker implements Locker {
  readonly #options: ReturnType<typeof resolvePostgresOptions>;
  readonly #locks: LeaseLocker<Lease>;
  readonly #pool: pg.Pool;
  #listener: Promise<pg.Client> | undefined;
  #listenerClient: pg.Client | undefined;
  #relisten: NodeJS.Timeout | undefined;

  constructor(options: PostgresLockerOptions) {
    this.#options = resolvePostgresOptions(options);
    this.#pool = new pg.Pool({ ...this.#options.config, max: this.#options.maxConnections - 1 });
    // Only idle connections report here, and they hold no lock: the pool drops them.
    this.#pool.on('error', () => {});
    const { namespace } = this.#options;
    this.#locks = new LeaseLocker<Lease>(
      {
        keyOf: (id) => formatKey(advisoryLockKey(namespace, id)),
        tryAcquire: (key, signal) => this.#tryAcquire(key, signal),
        release: (lease) => this.#release(lease),
        requestRelease: async (key) => {
          const listener = await this.#listen();
          await listener.query('SELECT pg_notify($1, $2)', [this.#options.channel, key]);
        },
        close: (abandoned) => this.#close(abandoned),
      },
      options,
    );
  }

  newLock(id: string): Lock {
    return this.#locks.newLock(id);
  }

  /**
   * Closes every connection. The locks still held are freed with their sessions; their
   * unlock() then has nothing to do. Closing again waits for the first close.
   */
  close(): Promise<void> {
    return this.#locks.close();
  }

  async #close(abandoned: Lease[]): Promise<void> {
    clearTimeout(this.#relisten);
    for (const lease of abandoned) {
      lease.client.off('error', lease.onConnectionLost);
      lease.client.release(true);
    }
    const listener = this.#listener;
    this.#listener = undefined;
    await Promise.all([
      this.#pool.end(),
      listener?.then(
        (client) => client.end(),
        () => {},
      ),
    ]);
  }

  async #tryAcquire(key: string, signal: AbortSignal): Promise<Lease | undefined> {
    // Listening first: a lock held here must hear the requests to let go.
    await this.#listen();
    const client = await this.#connect(signal);
    if (!client) return undefined;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1::int4, $2::int4) AS locked',
        parseKey(key),
      );
      if (!rows[0]?.locked) {
        client.release();
        return undefined;
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
    const lease: Lease = {
      key,
      client,
      onConnectionLost: (error) => {
        client.off('error', lease.onConnectionLost);
        client.release(true);
        this.#locks.leaseLost(key, lease, 'its connection to PostgreSQL ended', error);
      },
    };
    // A checked-out client that errors with no listener would crash the process.
    client.on('error', lease.onConnectionLost);
    return lease;
  }

  async #release({ key, client, onConnectionLost }: Lease): Promise<void> {
    let unlocked: boolean | undefined;
    try {
      const { rows } = await client.query<{ unlocked: boolean }>(
        'SELECT pg_advisory_unlock($1::int4, $2::int4) AS unlocked',
        parseKey(key),
      );
      unlocked = rows[0]?.unlocked;
    } catch {
      // Closing the connection ends its session, and the lock with it.
    } finally {
      client.off('error', onConnectionLost);
      client.release(unlocked === undefined);
    }
    if (unlocked === false) throw new Error(`Advisory lock ${key} was no longer held by its session`);
  }

  /** A pool connection, or undefined when `signal` aborts first (the connection, once had, goes back). */
  async #connect(signal: AbortSignal): Promise<pg.PoolClient | undefined> {
    if (signal.aborted) return undefined;
    const connecting = this.#pool.connect();
    let onAbort = () => {};
    const aborted = new Promise<undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const client = await Promise.race([connecting, aborted]);
      if (!client) {
        connecting.then(
          (late) => late.release(),
          () => {},
        );
      }
      return client;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The connection that LISTENs for release requests (and sends them), opened once. */
  #listen(): Promise<pg.Client> {
    if (this.#locks.closed) return Promise.reject(new Error('The PostgreSQL locker is closed'));
    this.#listener ??= this.#openListener();
    return this.#listener;
  }

  async #openListener(): Promise<pg.Client> {
    const client = new pg.Client(this.#options.config);
    this.#listenerClient = client;
    client.on('notification', ({ channel, payload }) => {
      if (channel === this.#options.channel && payload) this.#locks.releaseRequested(payload);
    });
    client.on('error', () => this.#listenerLost(client));
    client.on('end', () => this.#listenerLost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.#options.channel)}`);
      return client;
    } catch (error) {
      this.#listenerLost(client);
      throw error;
    }
  }

  /**
   * The listener is gone: the next attempt opens another. While locks are held here
   * they need one now, or waiters elsewhere would wait out their timeout unheard.
   */
  #listenerLost(client: pg.Client): void {
    if (client !== this.#listenerClient) return; // an earlier listener's last events
    this.#listenerClient = undefined;
    client.end().catch(() => {});
    if (this.#locks.closed) return;
    this.#listener = undefined;
    if (this.#locks.held > 0 && !this.#relisten) {
      this.#relisten = setTimeout(() => {
        this.#relisten = undefined;
        this.#listen().catch(() => {}); // failing again schedules the next try
      }, 1000);
      this.#relisten.unref();
    }
  }
}
