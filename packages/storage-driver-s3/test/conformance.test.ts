import { describeDriverConformance } from '@stowage/storage/testing';
import { createTestBucket } from '@stowage/test-s3-server';
import { describe } from 'vitest';
import { driverOn, server } from './real-s3.js';

describe.skipIf(!server)('Ceph RGW', () => {
  for (const [label, root] of [
    ['s3 (bucket top)', undefined],
    ['s3 (root prefix)', '/tenants/one'],
  ] as const) {
    describeDriverConformance(label, async () => {
      const { bucket, remove } = await createTestBucket(server!, 'conformance');
      return { driver: driverOn(bucket, root === undefined ? {} : { root }), cleanup: remove };
    });
  }
});
