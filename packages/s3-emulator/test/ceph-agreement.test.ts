import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createS3Emulator } from '../src/index.js';
import { clientFor, failureOf } from './clients.js';

/** Clients for one S3 service: `sdkDefaults` keeps the SDK's request checksums, `plain` asks them only when required. */
interface Service {
  plain: S3Client;
  sdkDefaults: S3Client;
  bucket: string;
  kmsKeyId: string;
}

/** What a client observes of the quirks the `ceph` profile claims to reproduce. */
async function observeQuirks({ plain, sdkDefaults, bucket, kmsKeyId }: Service) {
  const streamedPut = await failureOf(
    sdkDefaults.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'streamed',
        Body: Readable.from([Buffer.from('data')]),
        ContentLength: 4,
      }),
    ),
  );
  const bufferedPut = await sdkDefaults.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'buffered', Body: Buffer.from('data') }),
  );

  const { UploadId } = await plain.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp' }));
  const { ETag } = await plain.send(
    new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId, PartNumber: 1, Body: 'part' }),
  );
  const completed = await plain.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: 'mp',
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
    }),
  );
  const stored = await plain.send(new HeadObjectCommand({ Bucket: bucket, Key: 'mp' }));

  const aborted = await plain.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'aborted' }));
  await plain.send(
    new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: aborted.UploadId }),
  );
  const listAborted = await failureOf(
    plain.send(new ListPartsCommand({ Bucket: bucket, Key: 'aborted', UploadId: aborted.UploadId })),
  );

  const sseS3 = await plain.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'aes', Body: 'x', ServerSideEncryption: 'AES256' }),
  );

  await plain.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'kms',
      Body: 'x',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: kmsKeyId,
    }),
  );
  const copyKms = await failureOf(
    plain.send(new CopyObjectCommand({ Bucket: bucket, Key: 'kms-copy', CopySource: `${bucket}/kms` })),
  );
  const partCopy = await plain.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'kms-part-copy' }),
  );
  const copiedPart = await plain.send(
    new UploadPartCopyCommand({
      Bucket: bucket,
      Key: 'kms-part-copy',
      UploadId: partCopy.UploadId,
      PartNumber: 1,
      CopySource: `${bucket}/kms`,
    }),
  );
  await plain.send(
    new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'kms-part-copy', UploadId: partCopy.UploadId }),
  );

  return {
    streamedPutWithSdkChecksums: [streamedPut.name, streamedPut.status],
    bufferedPutWithSdkChecksums: bufferedPut.ETag,
    completeEtag: completed.ETag ?? '',
    storedEtagIsMultipart: /^"[0-9a-f]{32}-1"$/.test(stored.ETag ?? ''),
    listPartsAfterAbort: [listAborted.name, listAborted.status],
    sseS3Echoed: sseS3.ServerSideEncryption,
    copyObjectOfKmsSource: [copyKms.name, copyKms.status],
    uploadPartCopyOfKmsSource: copiedPart.CopyPartResult?.ETag !== undefined,
  };
}

const server = inject('s3Server');

describe.skipIf(!server)('the ceph profile and the real Ceph RGW', () => {
  const emulator = createS3Emulator({ profile: 'ceph' }).listen().createBucket('agreement');
  afterAll(() => emulator.close());

  it('agree on the quirks', async () => {
    if (!server) return;
    const real = await createTestBucket(server, 'emulator-agreement');
    try {
      const onRgw = await observeQuirks({
        plain: rawS3Client(server),
        sdkDefaults: new S3Client({
          endpoint: server.endpoint,
          region: server.region,
          forcePathStyle: true,
          credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
        }),
        bucket: real.bucket,
        kmsKeyId: server.kmsKeyId,
      });
      const onEmulator = await observeQuirks({
        plain: clientFor(emulator, { requestChecksumCalculation: 'WHEN_REQUIRED' }),
        sdkDefaults: clientFor(emulator),
        bucket: 'agreement',
        kmsKeyId: server.kmsKeyId,
      });
      expect(onRgw).toEqual({
        streamedPutWithSdkChecksums: ['MissingContentLength', 411],
        bufferedPutWithSdkChecksums: '"8d777f385d3dfec8815d20f7496026dc"',
        completeEtag: '',
        storedEtagIsMultipart: true,
        listPartsAfterAbort: ['NoSuchKey', 404],
        sseS3Echoed: undefined,
        copyObjectOfKmsSource: ['NotImplemented', 501],
        uploadPartCopyOfKmsSource: true,
      });
      expect(onEmulator).toEqual(onRgw);
    } finally {
      await real.remove();
    }
  });

  it('leave RGW traffic untouched while the emulator intercepts its own host', async () => {
    if (!server) return;
    const real = await createTestBucket(server, 'emulator-passthrough');
    emulator.resetRequestCounts();
    try {
      const client = rawS3Client(server);
      const payload = Buffer.alloc(3 * 1024 * 1024 + 1, 'r');
      await client.send(
        new PutObjectCommand({
          Bucket: real.bucket,
          Key: 'streamed',
          Body: Readable.from([payload.subarray(0, 1_000_000), payload.subarray(1_000_000)]),
          ContentLength: payload.length,
        }),
      );
      const got = await client.send(new GetObjectCommand({ Bucket: real.bucket, Key: 'streamed' }));
      expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(payload)).toBe(true);
      expect(emulator.requestCount()).toBe(0);
    } finally {
      await real.remove();
    }
  });
});
