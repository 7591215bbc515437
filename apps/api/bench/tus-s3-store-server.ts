/**
 * @tus/s3-store behind a bare @tus/server, in its own process: what the TUS benchmark
 * compares the API with (the store tus-node-server users run). Configured from
 * TUS_S3_STORE (JSON: the S3 server and the bucket); answers its port over IPC.
 */
import { randomUUID } from 'node:crypto';
import { S3Store } from '@tus/s3-store';
import { Server } from '@tus/server';

const { server: s3Server, bucket } = JSON.parse(process.env.TUS_S3_STORE!);
const datastore = new S3Store({
  // 8 MiB parts, as the API's S3 location cuts them.
  partSize: 8 * 1024 * 1024,
  s3ClientConfig: {
    bucket,
    endpoint: s3Server.endpoint,
    region: s3Server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3Server.accessKeyId, secretAccessKey: s3Server.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  },
});
const tus = new Server({ path: '/files', datastore, namingFunction: () => randomUUID() });
const http = tus.listen(0, '127.0.0.1', () => process.send!((http.address() as { port: number }).port));
