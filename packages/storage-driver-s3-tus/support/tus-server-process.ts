// A tus server in its own process, for the restart test and the benchmark: the store
// (this package's, or @tus/s3-store to compare with) is configured from TUS_PROCESS_CONFIG.
import { randomUUID } from 'node:crypto';
import { S3TusDriver } from '@stowage/storage-driver-s3-tus';
import { Server } from '@tus/server';
import type { DataStore } from '@tus/utils';
import type { ServerProcessConfig } from './server-process.js';

const config = JSON.parse(process.env.TUS_PROCESS_CONFIG!) as ServerProcessConfig;
const { s3 } = config;

async function createStore(): Promise<{ store: DataStore; requests: () => number }> {
  let requests = 0;
  const count = (client: { middlewareStack: { add: (m: unknown, o: unknown) => void } }) =>
    client.middlewareStack.add(
      (next: (args: unknown) => unknown) => (args: unknown) => {
        requests++;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'countRequests' },
    );
  if (config.store === 'tus-s3-store') {
    const { S3Store } = await import('@tus/s3-store');
    const store = new S3Store({
      partSize: config.tus.chunkSize,
      s3ClientConfig: {
        bucket: s3.bucket,
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      },
    });
    count((store as unknown as { client: Parameters<typeof count>[0] }).client);
    return { store, requests: () => requests };
  }
  const driver = new S3TusDriver({
    bucket: s3.bucket,
    root: s3.root,
    endpoint: s3.endpoint,
    region: s3.region,
    key: s3.accessKeyId,
    secret: s3.secretAccessKey,
    provider: 'ceph',
    tus: config.tus,
  });
  count(driver.client as unknown as Parameters<typeof count>[0]);
  return { store: driver.createResumableUploadStore(), requests: () => requests };
}

const { store, requests } = await createStore();
const tus = new Server({ path: '/files', datastore: store, namingFunction: () => randomUUID() });
// The parent asks for the S3 request count between uploads.
process.on('message', () => process.send!({ requests: requests() }));
const http = tus.listen(0, '127.0.0.1', () => {
  const address = http.address() as { port: number };
  process.send!({ port: address.port });
});
