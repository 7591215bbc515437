/**
 * The least any process between an uploading client and S3 can cost: a bare node:http
 * server that streams each request body into a lib-storage `Upload` (8 MiB parts, 4 in
 * flight, as the API's S3 location cuts them), in its own process as the API is. The TUS
 * benchmark uploads through it to tell the API's own cost from the hop's. Configured
 * from BARE_HOP (JSON: the S3 server and the bucket); answers its port over IPC.
 */
import { createServer } from 'node:http';
import { Upload } from '@aws-sdk/lib-storage';
import { rawS3Client } from '@stowage/test-s3-server';

const { server: s3Server, bucket } = JSON.parse(process.env.BARE_HOP!);
const client = rawS3Client(s3Server);
const server = createServer(async (request, response) => {
  try {
    await new Upload({
      client,
      params: { Bucket: bucket, Key: decodeURIComponent(request.url!.slice(1)), Body: request },
      partSize: 8 * 1024 * 1024,
      queueSize: 4,
    }).done();
    response.writeHead(204).end();
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});
server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
