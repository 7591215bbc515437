import { describeLockerConformance } from '@stowage/tus-locker/testing';
import { describe, inject } from 'vitest';
import { lockerServer } from './harness.js';

const server = inject('redisServer');
/** Short, so that a dead holder's lock expires within the test; renewals keep the others. */
const TTL = 3000;

describe.skipIf(!server)('Redis', () => {
  describeLockerConformance(
    'redis',
    async () => {
      const redis = lockerServer(server!, 'conformance');
      return {
        // Each locker has connections of its own: two of them are two API instances.
        createLocker: (options) => redis.createLocker({ ttl: TTL, ...options }),
        killHolder: async (locker) => redis.cut(locker as Parameters<typeof redis.cut>[0]),
        cleanup: () => redis.cleanup(),
      };
    },
    { deadHolderTimeout: TTL },
  );
});
