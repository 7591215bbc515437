import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3ServerInfo } from './s3-server.js';

/** A raw SDK client for the test server, for arranging and checking from outside the code under test. */
export function rawS3Client(server: S3ServerInfo): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    // RGW (like B2, Wasabi, older MinIO) cannot take the SDK's aws-chunked checksummed bodies.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Creates a bucket with a unique name; the returned function empties and removes it. */
export async function createTestBucket(
  server: S3ServerInfo,
  label = 'test',
): Promise<{ bucket: string; remove: () => Promise<void> }> {
  const client = rawS3Client(server);
  const bucket = `${label}-${randomUUID().slice(0, 12)}`.toLowerCase();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const remove = async () => {
    await emptyBucket(client, bucket);
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    client.destroy();
  };
  return { bucket, remove };
}

/** Deletes every object of a bucket (not its unfinished multipart uploads). */
export async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) return;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
}
