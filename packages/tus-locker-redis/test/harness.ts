import { randomBytes } from 'node:crypto';
import type { RedisServerInfo } from '@stowage/test-redis-server';
import { Redis } from 'ioredis';
import { RedisLocker, type RedisLockerOptions } from '../src/index.js';

/**
 * Lockers on the Redis test server under a prefix of the run's own, each on a client
 * the test keeps (to cut it, as a crash would), and a client of the test's own to look.
 */
export function lockerServer(server: RedisServerInfo, label: string) {
  const prefix = `test:${label}:${randomBytes(4).toString('hex')}:`;
  const admin = new Redis(server.url);
  const clients = new Map<RedisLocker, Redis>();

  return {
    prefix,
    admin,
    createLocker(options: Partial<RedisLockerOptions> = {}): RedisLocker {
      const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
      client.on('error', () => {}); // cut on purpose in some tests
      const locker = new RedisLocker({ redis: client, prefix, ...options });
      clients.set(locker, client);
      return locker;
    },
    /** Cuts the locker's command connection without a word: its renewals stop, as if its instance died. */
    cut(locker: RedisLocker): void {
      const client = clients.get(locker);
      if (!client) throw new Error('Not a locker of this server');
      client.disconnect();
    },
    async cleanup(): Promise<void> {
      await Promise.all([...clients.keys()].map((locker) => locker.close().catch(() => {})));
      for (const client of clients.values()) client.disconnect();
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      admin.disconnect();
    },
  };
}
