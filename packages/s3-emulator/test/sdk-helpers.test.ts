import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { createS3Emulator } from '../src/index.js';
import { clientFor } from './clients.js';

const emulator = createS3Emulator().listen().createBucket('b');
const client = clientFor(emulator, { requestChecksumCalculation: 'WHEN_REQUIRED' });
afterAll(() => emulator.close());

describe('presigned URLs', () => {
  it('upload and download over fetch', async () => {
    const putUrl = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: 'b', Key: 'signed', ContentType: 'text/plain' }),
    );
    const put = await fetch(putUrl, {
      method: 'PUT',
      body: 'signed body',
      headers: { 'content-type': 'text/plain' },
    });
    expect(put.status).toBe(200);
    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'b', Key: 'signed' }));
    const got = await fetch(getUrl);
    expect([got.status, await got.text()]).toEqual([200, 'signed body']);
    expect((await fetch(`${emulator.endpoint}/b/signed`)).status).toBe(403);
  });
});

describe('lib-storage Upload', () => {
  it('uploads a stream in parts, in as many requests as parts plus two', async () => {
    const partSize = 5 * 1024 * 1024;
    const size = 2 * partSize + 100;
    emulator.resetRequestCounts();
    await new Upload({
      client,
      params: { Bucket: 'b', Key: 'uploaded', Body: Readable.from([Buffer.alloc(size, 'u')]) },
      partSize,
      queueSize: 2,
    }).done();
    expect(emulator.object('b', 'uploaded')).toMatchObject({ size, partsCount: 3 });
    expect(emulator.requestCounts()).toMatchObject({
      CreateMultipartUpload: 1,
      UploadPart: 3,
      CompleteMultipartUpload: 1,
    });
    expect(emulator.requestCount()).toBe(5);
  });
});
