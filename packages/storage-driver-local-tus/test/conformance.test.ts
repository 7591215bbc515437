import { listAll, streamToBuffer } from '@stowage/storage/testing';
import { describeTusStoreConformance } from '@stowage/test-tus/conformance';
import { LocalTusDriver } from '../src/index.js';
import { tempRoot } from './harness.js';

describeTusStoreConformance('local disk', async () => {
  const root = await tempRoot();
  const driver = new LocalTusDriver({ root });
  return {
    store: driver.createResumableUploadStore(),
    newStore: () => new LocalTusDriver({ root }).createResumableUploadStore(),
    readFinished: async (id) => streamToBuffer(await driver.read(id)),
    listFiles: () => listAll(driver.list()),
    chunkSize: 64 * 1024,
  };
});
