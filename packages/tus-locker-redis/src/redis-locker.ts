import { randomUUID } from 'node:crypto';
import { LeaseLocker, type Lock, type Locker } from '@stowage/tus-locker';
import { Redis, type RedisOptions } from 'ioredis';
import { type RedisLockerOptions, resolveRedisOptions } from './options.js';
import { RELEASE, RENEW } from './scripts.js';

/** A held lock: our token in the key, and the renewals that keep it there. */
interface Lease {
  readonly key: string;
  readonly token: string;
  /** Until when the server keeps the key without another renewal (counted from when the command was sent). */
  validUntil: number;
  renewal: NodeJS.Timeout | undefined;
}

/**
 * A @tus/server Locker on Redis, for several API instances sharing one server. A held
 * lock is a key holding a random token, set with `SET NX PX ttl` and renewed while
 * held; only its owner's token renews or deletes it (Lua), so a lock that expired and
 * was taken by another instance stays that instance's. Release requests travel on one
 * pub/sub channel, to which every instance subscribes on a connection of its own.
 */
export class RedisLocker implements Locker {
  readonly #options: ReturnType<typeof resolveRedisOptions>;
  readonly #locks: LeaseLocker<Lease>;
  readonly #redis: Redis;
  readonly #ownsClient: boolean;
  #subscriber: Promise<Redis> | undefined;

  constructor(options: RedisLockerOptions) {
    this.#options = resolveRedisOptions(options);
    const { redis } = options;
    this.#ownsClient = !(redis instanceof Redis);
    this.#redis = redis instanceof Redis ? redis : ownClient(redis);
    const { prefix, channel } = this.#options;
    this.#locks = new LeaseLocker<Lease>(
      {
        keyOf: (id) => `${prefix}${id}`,
        tryAcquire: (key) => this.#tryAcquire(key),
        release: (lease) => this.#release(lease),
        requestRelease: async (key) => {
          await this.#redis.publish(channel, key);
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
   * Releases the locks still held (their unlock() then has nothing to do) and closes
   * the connections this locker opened. Closing again waits for the first close.
   */
  close(): Promise<void> {
    return this.#locks.close();
  }

  async #close(abandoned: Lease[]): Promise<void> {
    await Promise.all(abandoned.map((lease) => this.#release(lease).catch(() => {})));
    const subscriber = await this.#subscriber?.catch(() => undefined);
    subscriber?.disconnect();
    if (this.#ownsClient) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  async #tryAcquire(key: string): Promise<Lease | undefined> {
    // Subscribed first: a lock held here must hear the requests to let go.
    await this.#subscribe();
    const token = randomUUID();
    const sent = Date.now();
    const set = await this.#redis.set(key, token, 'PX', this.#options.ttl, 'NX');
    if (set !== 'OK') return undefined;
    const lease: Lease = { key, token, validUntil: sent + this.#options.ttl, renewal: undefined };
    this.#scheduleRenewal(lease);
    return lease;
  }

  async #release(lease: Lease): Promise<void> {
    clearTimeout(lease.renewal);
    lease.renewal = undefined;
    const deleted = await this.#redis.eval(RELEASE, 1, lease.key, lease.token);
    if (deleted !== 1) {
      throw new Error(`${lease.key} had expired before unlock; whoever holds it now keeps it`);
    }
  }

  #scheduleRenewal(lease: Lease): void {
    const { ttl } = this.#options;
    // Renewed three times a ttl: two renewals in a row may fail before the key expires.
    lease.renewal = setTimeout(() => {
      void this.#renew(lease);
    }, ttl / 3);
    // A held lock must not keep a process alive that has nothing else to do.
    lease.renewal.unref();
  }

  async #renew(lease: Lease): Promise<void> {
    const sent = Date.now();
    try {
      const renewed = await this.#redis.eval(RENEW, 1, lease.key, lease.token, this.#options.ttl);
      if (lease.renewal === undefined) return; // released meanwhile
      if (renewed !== 1) return this.#lost(lease, 'it expired, and may now belong to another instance');
      lease.validUntil = sent + this.#options.ttl;
    } catch (error) {
      if (lease.renewal === undefined) return;
      if (Date.now() >= lease.validUntil) {
        return this.#lost(
          lease,
          `it could not be renewed for its whole ttl (${this.#options.ttl} ms)`,
          error,
        );
      }
    }
    this.#scheduleRenewal(lease);
  }

  #lost(lease: Lease, reason: string, cause?: unknown): void {
    clearTimeout(lease.renewal);
    lease.renewal = undefined;
    this.#locks.leaseLost(lease.key, lease, reason, cause);
  }

  /** The subscription to release requests, on a connection of its own (a subscribed connection runs nothing else). */
  #subscribe(): Promise<Redis> {
    if (this.#subscriber) return this.#subscriber;
    if (this.#locks.closed) return Promise.reject(new Error('The Redis locker is closed'));
    const subscriber = this.#redis.duplicate();
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === this.#options.channel) this.#locks.releaseRequested(key);
    });
    // ioredis reconnects and subscribes again by itself; errors in between are its to retry.
    subscriber.on('error', () => {});
    const subscribed = subscriber.subscribe(this.#options.channel).then(() => subscriber);
    this.#subscriber = subscribed;
    subscribed.catch(() => {
      subscriber.disconnect();
      if (this.#subscriber === subscribed) this.#subscriber = undefined; // the next attempt tries again
    });
    return subscribed;
  }
}

function ownClient(redis: string | RedisOptions): Redis {
  // A command waits through one reconnection at most, not ioredis's default 20: an
  // acquire against a server that is down fails fast instead of outliving its request.
  const defaults: RedisOptions = { maxRetriesPerRequest: 1 };
  const client =
    typeof redis === 'string' ? new Redis(redis, defaults) : new Redis({ ...defaults, ...redis });
  // Failures reach the commands that were waiting; the event would only be logged twice.
  client.on('error', () => {});
  return client;
}
