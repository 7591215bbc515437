import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytes, client, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';

const server = inject('s3Server');

// RGW without PROVIDER=ceph: what it cannot copy server-side must still move.
describe.skipIf(!server)('moving SSE-KMS files between buckets of a Ceph RGW named "generic"', () => {
  const buckets: Awaited<ReturnType<typeof createTestBucket>>[] = [];
  let s3: S3Client;
  let api: RunningApi;
  beforeAll(async () => {
    buckets.push(
      await createTestBucket(server!, 'api-kms'),
      await createTestBucket(server!, 'api-copy'),
      await createTestBucket(server!, 'api-stream'),
    );
    s3 = rawS3Client(server!);
    const generic = { PROVIDER: 'generic', FORCE_PATH_STYLE: 'true' };
    api = await startApi({
      STORAGE_LOCATIONS: 'kms,copied,streamed',
      ...s3LocationEnv('kms', server!, buckets[0]!.bucket, {
        ...generic,
        SERVER_SIDE_ENCRYPTION: 'aws:kms',
        SERVER_SIDE_ENCRYPTION_KMS_KEY_ID: server!.kmsKeyId,
      }),
      ...s3LocationEnv('copied', server!, buckets[1]!.bucket, generic),
      // A service without UploadPartCopy would answer this copy 501 too: the API streams.
      ...s3LocationEnv('streamed', server!, buckets[2]!.bucket, {
        ...generic,
        COPY_FALLBACK_TO_MULTIPART: 'false',
      }),
    });
  });
  afterAll(async () => {
    await api?.close();
    await Promise.all(buckets.map((bucket) => bucket.remove()));
    s3?.destroy();
  });

  it.each([
    ['copied', 'server-side, part by part (CopyObject answers 501)', 1],
    ['streamed', 'through the API (the copy fallback is off)', 2],
  ] as const)('to %s: %s', async (to, _, bucket) => {
    const http = client(api.url, api.token);
    const content = bytes(300_000, bucket);
    const file = await http.uploadOk({ storage: 'kms' }, { name: 'secret.bin', content });
    const moved = await http.patch(file.id, { storage: to });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.data).toMatchObject({ storage: to, checksum: sha256(content) });
    const object = await s3.send(
      new HeadObjectCommand({ Bucket: buckets[bucket]!.bucket, Key: file.filename_disk }),
    );
    expect(object.ContentLength).toBe(content.length);
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: buckets[0]!.bucket, Key: file.filename_disk })),
    ).rejects.toMatchObject({ name: 'NotFound' });
    expect(sha256((await http.download(file.id)).body)).toBe(sha256(content));
  });
});
