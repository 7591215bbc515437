import {
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3ServerInfo } from '@stowage/test-s3-server';
import { S3TusDriver, type TusOptionsInput } from '../../src/index.js';

/** An S3TusDriver on the real test server, in a bucket of the test's own. */
export function rgwDriver(
  server: S3ServerInfo,
  bucket: string,
  tus: TusOptionsInput = {},
  root = 'uploads',
): S3TusDriver {
  return new S3TusDriver({
    bucket,
    root,
    endpoint: server.endpoint,
    region: server.region,
    key: server.accessKeyId,
    secret: server.secretAccessKey,
    provider: 'ceph',
    tus: { chunkSize: '5MiB', ...tus },
  });
}

export async function objectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await Body!.transformToByteArray());
}

export async function bucketKeys(client: S3Client, bucket: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (page.Contents ?? []).map((object) => object.Key!);
}

export async function multipartUploads(client: S3Client, bucket: string) {
  const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (page.Uploads ?? []).map((upload) => ({ key: upload.Key!, uploadId: upload.UploadId! }));
}
