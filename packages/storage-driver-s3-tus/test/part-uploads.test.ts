import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateMultipartUploadCommand, ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { S3TusDriver } from '../src/index.js';
import { PartUploads } from '../src/part-uploads.js';
import type { UploadState } from '../src/upload-objects.js';
import { rgwDriver } from './helpers/rgw.js';
import { randomBytes } from './helpers/tus-client.js';

const MiB = 1024 * 1024;
const server = inject('s3Server');

describe.skipIf(!server)('part uploads on RGW', () => {
  let bucket: { bucket: string; remove: () => Promise<void> };
  let raw: S3Client;
  let driver: S3TusDriver;

  beforeAll(async () => {
    bucket = await createTestBucket(server!, 'tus-parts');
    raw = rawS3Client(server!);
    driver = rgwDriver(server!, bucket.bucket);
  });
  afterAll(async () => {
    await bucket?.remove();
  });

  async function multipartUpload(key: string): Promise<UploadState> {
    const { UploadId } = await raw.send(
      new CreateMultipartUploadCommand({ Bucket: bucket.bucket, Key: key }),
    );
    return {
      id: key,
      key,
      multipartUploadId: UploadId!,
      partSize: 5 * MiB,
      creationDate: '',
      completed: false,
    };
  }

  async function storedParts(state: UploadState) {
    const { Parts } = await raw.send(
      new ListPartsCommand({ Bucket: bucket.bucket, Key: state.key, UploadId: state.multipartUploadId }),
    );
    return (Parts ?? []).map(({ PartNumber, Size }) => ({ partNumber: PartNumber, size: Size }));
  }

  it('streams a part to S3 while its bytes still arrive', async () => {
    const state = await multipartUpload('streamed.bin');
    const body = new PassThrough();
    const bytes = randomBytes(5 * MiB);
    const parts = new PartUploads(driver, { maxConcurrent: 2, retries: 0 });
    const stored = parts.streamed(state, 1, body, bytes.length, new AbortController().signal);
    body.write(bytes.subarray(0, 3 * MiB));
    await sleep(100);
    body.end(bytes.subarray(3 * MiB));
    expect(await stored).toEqual({ etag: expect.any(String), size: 5 * MiB });
    expect(await storedParts(state)).toEqual([{ partNumber: 1, size: 5 * MiB }]);
  });

  it('stores nothing of a streamed part that is cancelled before its end', async () => {
    const state = await multipartUpload('cancelled.bin');
    const body = new PassThrough();
    const controller = new AbortController();
    const parts = new PartUploads(driver, { maxConcurrent: 2, retries: 0 });
    const stored = parts.streamed(state, 1, body, 5 * MiB, controller.signal);
    body.write(randomBytes(2 * MiB));
    await sleep(100);
    controller.abort();
    await expect(stored).rejects.toThrow();
    expect(await storedParts(state)).toEqual([]);
  });
});
