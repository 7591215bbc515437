import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Emulator } from '../src/index.js';
import { clientFor, failureOf } from './clients.js';

const minPartSize = 1024;
const emulator = createS3Emulator({ minPartSize }).listen();
const client = clientFor(emulator);
let bucket: string;
let bucketCount = 0;
beforeEach(() => {
  bucketCount += 1;
  bucket = `multipart-${bucketCount}`;
  emulator.createBucket(bucket);
});
afterAll(() => emulator.close());

async function createUpload(key = 'k'): Promise<string> {
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ContentType: 'video/mp4',
      Metadata: { m: '1' },
    }),
  );
  return created.UploadId as string;
}

async function uploadPart(uploadId: string, partNumber: number, body: Buffer, key = 'k') {
  const uploaded = await client.send(
    new UploadPartCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: partNumber,
      Body: body,
    }),
  );
  return { PartNumber: partNumber, ETag: uploaded.ETag as string };
}

const complete = (uploadId: string, parts: { PartNumber: number; ETag: string }[], key = 'k') =>
  client.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
    }),
  );

const md5 = (data: Buffer) => createHash('md5').update(data).digest();

describe('multipart uploads', () => {
  it('assembles the parts with an md5-of-md5s-N ETag and the upload attributes', async () => {
    const uploadId = await createUpload();
    const [one, two] = [Buffer.alloc(minPartSize, 1), Buffer.alloc(10, 2)] as [Buffer, Buffer];
    const parts = [await uploadPart(uploadId, 1, one), await uploadPart(uploadId, 2, two)];
    const completed = await complete(uploadId, parts);
    const expected = `"${createHash('md5')
      .update(Buffer.concat([md5(one), md5(two)]))
      .digest('hex')}-2"`;
    expect(completed.ETag).toBe(expected);
    expect(emulator.object(bucket, 'k')).toMatchObject({
      etag: expected,
      size: minPartSize + 10,
      contentType: 'video/mp4',
      metadata: { m: '1' },
      partsCount: 2,
    });
    expect(emulator.multipartUploads(bucket)).toEqual([]);
  });

  it('refuses too small non-last parts, unknown parts, wrong ETags and disordered parts', async () => {
    const uploadId = await createUpload();
    const small = await uploadPart(uploadId, 1, Buffer.alloc(minPartSize - 1));
    const big = await uploadPart(uploadId, 2, Buffer.alloc(minPartSize));
    expect(await failureOf(complete(uploadId, [small, big]))).toMatchObject({
      name: 'EntityTooSmall',
      status: 400,
    });
    expect(await failureOf(complete(uploadId, [big, { PartNumber: 3, ETag: big.ETag }]))).toMatchObject({
      name: 'InvalidPart',
      status: 400,
    });
    expect(await failureOf(complete(uploadId, [{ PartNumber: 2, ETag: '"0000"' }]))).toMatchObject({
      name: 'InvalidPart',
    });
    expect(await failureOf(complete(uploadId, [big, small]))).toMatchObject({
      name: 'InvalidPartOrder',
      status: 400,
    });
  });

  it('answers NoSuchUpload after an abort', async () => {
    const uploadId = await createUpload();
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'k', UploadId: uploadId }));
    expect(await failureOf(uploadPart(uploadId, 1, Buffer.from('x')))).toMatchObject({
      name: 'NoSuchUpload',
      status: 404,
    });
    expect(
      await failureOf(client.send(new ListPartsCommand({ Bucket: bucket, Key: 'k', UploadId: uploadId }))),
    ).toMatchObject({ name: 'NoSuchUpload', status: 404 });
  });

  it('pages ListParts', async () => {
    const uploadId = await createUpload();
    for (const partNumber of [3, 1, 2, 5])
      await uploadPart(uploadId, partNumber, Buffer.from(`part ${partNumber}`));
    const first = await client.send(
      new ListPartsCommand({ Bucket: bucket, Key: 'k', UploadId: uploadId, MaxParts: 3 }),
    );
    expect(first.Parts?.map((part) => part.PartNumber)).toEqual([1, 2, 3]);
    expect(first).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '3' });
    const second = await client.send(
      new ListPartsCommand({
        Bucket: bucket,
        Key: 'k',
        UploadId: uploadId,
        PartNumberMarker: first.NextPartNumberMarker,
      }),
    );
    expect(second.Parts?.map((part) => [part.PartNumber, part.Size])).toEqual([[5, 6]]);
    expect(second.IsTruncated).toBe(false);
  });

  it('pages ListParts past 1000 parts by default, and completes 1001 parts', async () => {
    const uploadId = await createUpload();
    const body = Buffer.alloc(minPartSize, 7);
    const parts = [];
    // Twenty at a time: a thousand requests one after the other outlast the timeout on a busy machine.
    for (let first = 1; first <= 1001; first += 20) {
      const numbers = Array.from({ length: Math.min(20, 1002 - first) }, (_, index) => first + index);
      parts.push(...(await Promise.all(numbers.map((partNumber) => uploadPart(uploadId, partNumber, body)))));
    }
    const first = await client.send(new ListPartsCommand({ Bucket: bucket, Key: 'k', UploadId: uploadId }));
    expect([first.Parts?.length, first.IsTruncated, first.NextPartNumberMarker]).toEqual([
      1000,
      true,
      '1000',
    ]);
    await complete(uploadId, parts);
    expect(emulator.object(bucket, 'k')?.size).toBe(1001 * minPartSize);
  });

  it('pages ListMultipartUploads by key and upload id, filtered by prefix', async () => {
    const ids = [
      await createUpload('p/a'),
      await createUpload('p/a'),
      await createUpload('p/b'),
      await createUpload('q'),
    ];
    const first = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'p/', MaxUploads: 2 }),
    );
    expect(first.Uploads?.map((upload) => upload.UploadId)).toEqual([ids[0], ids[1]]);
    expect(first).toMatchObject({ IsTruncated: true, NextKeyMarker: 'p/a', NextUploadIdMarker: ids[1] });
    const second = await client.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: 'p/',
        KeyMarker: first.NextKeyMarker,
        UploadIdMarker: first.NextUploadIdMarker,
      }),
    );
    expect(second.Uploads?.map((upload) => upload.Key)).toEqual(['p/b']);
    expect(second.IsTruncated).toBe(false);
  });

  it('copies ranges of an object into parts', async () => {
    const source = Buffer.from('0123456789'.repeat(300));
    emulator.putObject(bucket, 'src', source);
    const uploadId = await createUpload();
    const copyPart = async (partNumber: number, range: string) => {
      const copied = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: 'k',
          UploadId: uploadId,
          PartNumber: partNumber,
          CopySource: `${bucket}/src`,
          CopySourceRange: range,
        }),
      );
      return { PartNumber: partNumber, ETag: copied.CopyPartResult?.ETag as string };
    };
    const parts = [await copyPart(1, 'bytes=0-1999'), await copyPart(2, 'bytes=2000-2999')];
    expect(await failureOf(copyPart(3, 'bytes=2000-3000'))).toMatchObject({
      name: 'InvalidArgument',
      status: 400,
    });
    await complete(uploadId, parts);
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(Buffer.from(await (got.Body?.transformToByteArray() as Promise<Uint8Array>)).equals(source)).toBe(
      true,
    );
  });
});
