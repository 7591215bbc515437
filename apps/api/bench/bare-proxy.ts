/**
 * The least any HTTP hop in front of S3 can cost: a bare node:http server that streams
 * GetObject of the requested key, in its own process as the API is. The API benchmark
 * downloads through it too, to tell the API's own cost from the hop's. Configured from
 * BARE_PROXY (JSON: the S3 server and the bucket); answers its port over IPC.
 */
import { createServer } from 'node:http';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { rawS3Client } from '@stowage/test-s3-server';

const { server: s3Server, bucket } = JSON.parse(process.env.BARE_PROXY!);
const client = rawS3Client(s3Server);
const server = createServer(async (request, response) => {
  const { Body, ContentLength } = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: decodeURIComponent(request.url!.slice(1)) }),
  );
  response.writeHead(200, { 'content-length': ContentLength });
  (Body as Readable).pipe(response);
});
server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
