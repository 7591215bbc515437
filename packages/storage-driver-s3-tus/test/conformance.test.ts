import { listAll, streamToBuffer } from '@stowage/storage/testing';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { describeTusStoreConformance } from '@stowage/test-tus/conformance';
import { afterAll, inject } from 'vitest';
import { S3TusStore } from '../src/index.js';
import { emulatedStore } from './helpers/emulator.js';
import { objectBytes, rgwDriver } from './helpers/rgw.js';

const MiB = 1024 * 1024;
const server = inject('s3Server');
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

if (server) {
  describeTusStoreConformance('S3 (Ceph RGW)', async () => {
    const bucket = await createTestBucket(server, 'tus-conformance');
    const raw = rawS3Client(server);
    cleanups.push(bucket.remove, async () => raw.destroy());
    const driver = rgwDriver(server, bucket.bucket);
    return {
      store: driver.createResumableUploadStore(),
      newStore: () => new S3TusStore(driver, driver.tus),
      readFinished: (id) => objectBytes(raw, bucket.bucket, `uploads/${id}`),
      listFiles: () => listAll(driver.list()),
      chunkSize: 5 * MiB,
    };
  });
}

// R2 refuses parts of unequal size: concatenation must cut them equal.
describeTusStoreConformance('S3 (emulated R2, small parts)', async () => {
  const partSize = 64 * 1024;
  const name = `conformance-${cleanups.length}`;
  const { emulator, driver, store, newStore } = emulatedStore(name, { profile: 'r2', partSize });
  cleanups.push(async () => emulator.close());
  return {
    store,
    newStore,
    readFinished: async (id) => streamToBuffer(await driver.read(id)),
    listFiles: () => listAll(driver.list()),
    chunkSize: partSize,
  };
});
