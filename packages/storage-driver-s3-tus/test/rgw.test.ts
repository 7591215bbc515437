import { CreateMultipartUploadCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { type RunningTusServer, startTusServer } from '@stowage/test-tus';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { S3TusDriver, S3TusStore } from '../src/index.js';
import { bucketKeys, multipartUploads, objectBytes, rgwDriver } from './helpers/rgw.js';
import {
  abortedTusUpload,
  idOf,
  partialUpload,
  randomBytes,
  sha256,
  tusRequest,
  tusUpload,
} from './helpers/tus-client.js';

const MiB = 1024 * 1024;
const server = inject('s3Server');

describe.skipIf(!server)('TUS uploads through @tus/server into RGW', () => {
  let bucket: { bucket: string; remove: () => Promise<void> };
  let raw: S3Client;
  let driver: S3TusDriver;
  let store: S3TusStore;
  let tus: RunningTusServer;

  beforeAll(async () => {
    bucket = await createTestBucket(server!, 'tus');
    raw = rawS3Client(server!);
    driver = rgwDriver(server!, bucket.bucket, { expiration: '1h' });
    store = driver.createResumableUploadStore();
    tus = await startTusServer(store, { maxSize: 64 * MiB });
  });
  afterAll(async () => {
    await tus?.close();
    await bucket?.remove();
  });

  async function expectStored(url: string, data: Buffer) {
    expect(sha256(await objectBytes(raw, bucket.bucket, `uploads/${idOf(url)}`))).toBe(sha256(data));
    const state = (await bucketKeys(raw, bucket.bucket)).filter((key) => key.includes(idOf(url)));
    // Only the finished object and its state remain: no remainder left behind.
    expect(state.sort()).toEqual([`uploads/.stowage/tus/${idOf(url)}/state.json`, `uploads/${idOf(url)}`]);
  }

  it.each([
    ['0 bytes', 0, 5 * MiB],
    ['1 byte', 1, 5 * MiB],
    ['exactly one part', 5 * MiB, 5 * MiB],
    ['several parts and remainders', 12 * MiB + 12345, 3 * MiB],
  ])('stores %s', async (_, size, chunkSize) => {
    const data = randomBytes(size);
    const url = await tusUpload(tus.endpoint, data, { chunkSize });
    await expectStored(url, data);
  });

  it('sets Content-Type and an RFC 5987 Content-Disposition from the metadata', async () => {
    const url = await tusUpload(tus.endpoint, randomBytes(10), {
      metadata: { filename: 'Résumé "final".pdf', filetype: 'application/pdf' },
    });
    const head = await raw.send(
      new HeadObjectCommand({ Bucket: bucket.bucket, Key: `uploads/${idOf(url)}` }),
    );
    expect(head.ContentType).toBe('application/pdf');
    expect(head.ContentDisposition).toBe(
      `attachment; filename="R_sum_ _final_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf`,
    );
  });

  it('resumes after the client aborts mid-part', async () => {
    const data = randomBytes(13 * MiB);
    const url = await abortedTusUpload(tus.endpoint, data, 7 * MiB, { chunkSize: 4 * MiB });
    const head = await tusRequest(url, 'HEAD');
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    await tusUpload(tus.endpoint, data, { uploadUrl: url, chunkSize: 4 * MiB });
    await expectStored(url, data);
  });

  it('takes uploads of deferred length', async () => {
    const data = randomBytes(11 * MiB + 7);
    const url = await tusUpload(tus.endpoint, data, { uploadLengthDeferred: true, chunkSize: 3 * MiB });
    await expectStored(url, data);
  });

  it('takes the data with the creation request', async () => {
    const data = randomBytes(2 * MiB + 5);
    const url = await tusUpload(tus.endpoint, data, { uploadDataDuringCreation: true, chunkSize: 8 * MiB });
    await expectStored(url, data);
  });

  it('announces Upload-Expires', async () => {
    const created = await tusRequest(tus.endpoint, 'POST', { 'Upload-Length': '10' });
    expect(created.status).toBe(201);
    expect(Date.parse(created.headers.get('upload-expires')!)).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('answers a wrong offset with 409 and too many bytes with 413', async () => {
    const created = await tusRequest(tus.endpoint, 'POST', { 'Upload-Length': '10' });
    const url = created.headers.get('location')!;
    const patch = (offset: number, body: Buffer) =>
      tusRequest(
        url,
        'PATCH',
        { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        body,
      );
    expect((await patch(3, Buffer.alloc(2))).status).toBe(409);
    expect((await patch(0, Buffer.alloc(11))).status).toBe(413);
    expect((await tusRequest(tus.endpoint, 'POST', { 'Upload-Length': String(65 * MiB) })).status).toBe(413);
    expect((await patch(0, Buffer.from('0123456789'))).status).toBe(204);
  });

  it('answers 404 for an unknown upload and 412 without Tus-Resumable', async () => {
    expect((await tusRequest(`${tus.endpoint}/no-such-upload`, 'HEAD')).status).toBe(404);
    expect((await fetch(`${tus.endpoint}/no-such-upload`, { method: 'HEAD' })).status).toBe(412);
  });

  it('terminates an upload in progress, and again harmlessly', async () => {
    const url = await partialUpload(tus.endpoint, randomBytes(8 * MiB), 6 * MiB);
    expect((await tusRequest(url, 'DELETE')).status).toBe(204);
    expect((await bucketKeys(raw, bucket.bucket)).filter((key) => key.includes(idOf(url)))).toEqual([]);
    expect((await multipartUploads(raw, bucket.bucket)).filter(({ key }) => key.includes(idOf(url)))).toEqual(
      [],
    );
    expect((await tusRequest(url, 'DELETE')).status).toBe(404);
    expect((await tusRequest(url, 'HEAD')).status).toBe(404);
  });

  it('terminates a finished upload, its object included', async () => {
    const url = await tusUpload(tus.endpoint, randomBytes(100));
    expect((await tusRequest(url, 'DELETE')).status).toBe(204);
    expect((await bucketKeys(raw, bucket.bucket)).filter((key) => key.includes(idOf(url)))).toEqual([]);
  });
});

describe.skipIf(!server)('expiry on RGW', () => {
  it('removes expired uploads of its location and leaves a foreign multipart upload alone', async () => {
    const { bucket, remove } = await createTestBucket(server!, 'tus-expiry');
    const raw = rawS3Client(server!);
    const store = rgwDriver(server!, bucket, { expiration: '1s' }).createResumableUploadStore();
    const tus = await startTusServer(store);
    try {
      const foreign = await raw.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'uploads/foreign' }),
      );
      const url = await partialUpload(tus.endpoint, randomBytes(7 * MiB), 6 * MiB);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await tusRequest(url, 'HEAD')).status).toBe(410);
      expect(await store.deleteExpired()).toBe(1);
      expect(await multipartUploads(raw, bucket)).toEqual([
        { key: 'uploads/foreign', uploadId: foreign.UploadId },
      ]);
      expect(await bucketKeys(raw, bucket)).toEqual([]);
      expect((await tusRequest(url, 'HEAD')).status).toBe(404);
    } finally {
      await tus.close();
      await remove();
    }
  });
});

describe.skipIf(!server)('expiry run by two processes at once', () => {
  it('both runs finish, and every expired upload is gone', async () => {
    const { bucket, remove } = await createTestBucket(server!, 'tus-expiry-twice');
    const raw = rawS3Client(server!);
    const [first, second] = [1, 2].map(() =>
      rgwDriver(server!, bucket, { expiration: '1s' }).createResumableUploadStore(),
    );
    const tus = await startTusServer(first!);
    try {
      for (let i = 0; i < 4; i++) await partialUpload(tus.endpoint, randomBytes(7 * MiB), 6 * MiB);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Both may remove an upload they both listed (harmless: aborting and deleting
      // twice); one that finds the state gone has nothing left to do.
      const removed = await Promise.all([first!.deleteExpired(), second!.deleteExpired()]);
      expect(removed[0]! + removed[1]!).toBeGreaterThanOrEqual(4);
      expect(await multipartUploads(raw, bucket)).toEqual([]);
      expect(await bucketKeys(raw, bucket)).toEqual([]);
    } finally {
      await tus.close();
      await remove();
    }
  });
});

describe.skipIf(!server)('a location whose bucket does not exist', () => {
  let tus: RunningTusServer;
  beforeAll(async () => {
    const store = rgwDriver(server!, 'no-such-bucket-stowage', {
      partRetries: 0,
    }).createResumableUploadStore();
    tus = await startTusServer(store, { maxSize: 64 * MiB });
  });
  afterAll(async () => tus?.close());

  it('answers creation, HEAD and PATCH with a configuration error, never 404', async () => {
    const created = await tusRequest(tus.endpoint, 'POST', { 'Upload-Length': '10' });
    expect(created.status).toBe(500);
    expect(await created.text()).toMatch(/misconfigured/);
    const url = `${tus.endpoint}/0b6b7c8e-0f2e-4b8f-9d5e-3f1f6c1d2e3a`;
    const head = await tusRequest(url, 'HEAD');
    expect(head.status).toBe(500);
    const patch = await tusRequest(
      url,
      'PATCH',
      { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      Buffer.alloc(10),
    );
    expect(patch.status).toBe(500);
    expect(await patch.text()).toMatch(/misconfigured/);
  });
});
