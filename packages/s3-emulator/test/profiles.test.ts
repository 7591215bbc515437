import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Emulator, type ProviderName, providerProfiles, type S3Emulator } from '../src/index.js';
import { clientFor, failureOf } from './clients.js';

const minPartSize = 1024;
let emulator: S3Emulator;
afterEach(() => emulator.close());

function emulate(profile: ProviderName) {
  emulator = createS3Emulator({ profile, minPartSize }).listen().createBucket('b');
  return {
    client: clientFor(emulator),
    plainClient: clientFor(emulator, {
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  };
}

const streamed = (text: string) => ({ Body: Readable.from([Buffer.from(text)]), ContentLength: text.length });

async function multipartUpload(client: ReturnType<typeof clientFor>, sizes: number[]) {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: 'mp' }));
  const parts: { PartNumber: number; ETag?: string }[] = [];
  for (const [index, size] of sizes.entries()) {
    const PartNumber = index + 1;
    const { ETag } = await client.send(
      new UploadPartCommand({ Bucket: 'b', Key: 'mp', UploadId, PartNumber, Body: Buffer.alloc(size) }),
    );
    parts.push({ PartNumber, ETag });
  }
  const complete = () =>
    client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'b',
        Key: 'mp',
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  return { UploadId, complete };
}

describe('every profile', () => {
  it.each(Object.keys(providerProfiles) as ProviderName[])('%s stores and serves an object', async (name) => {
    const { plainClient } = emulate(name);
    await plainClient.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));
    const got = await plainClient.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('x');
  });
});

describe('aws', () => {
  it('echoes SSE-S3 and gives multipart objects their ETag in the answer', async () => {
    const { client } = emulate('aws');
    const put = await client.send(
      new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x', ServerSideEncryption: 'AES256' }),
    );
    expect(put.ServerSideEncryption).toBe('AES256');
    const { complete } = await multipartUpload(client, [minPartSize, 1]);
    expect((await complete()).ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
  });
});

describe('ceph', () => {
  it('refuses aws-chunked streamed bodies with 411 MissingContentLength', async () => {
    const { client, plainClient } = emulate('ceph');
    const failure = await failureOf(
      client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', ...streamed('data') })),
    );
    expect(failure).toMatchObject({ name: 'MissingContentLength', status: 411 });
    await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'buffered', Body: Buffer.from('data') }));
    await plainClient.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', ...streamed('data') }));
    expect(emulator.object('b', 'k')?.body.toString()).toBe('data');
  });

  it('answers CompleteMultipartUpload with an empty ETag, while the object has its real one', async () => {
    const { plainClient } = emulate('ceph');
    const { complete } = await multipartUpload(plainClient, [minPartSize, 1]);
    expect((await complete()).ETag ?? '').toBe('');
    const head = await plainClient.send(new HeadObjectCommand({ Bucket: 'b', Key: 'mp' }));
    expect(head.ETag).toMatch(/-2"$/);
  });

  it('answers ListParts after an abort with NoSuchKey', async () => {
    const { plainClient } = emulate('ceph');
    const { UploadId } = await multipartUpload(plainClient, [1]);
    await plainClient.send(new AbortMultipartUploadCommand({ Bucket: 'b', Key: 'mp', UploadId }));
    const failure = await failureOf(
      plainClient.send(new ListPartsCommand({ Bucket: 'b', Key: 'mp', UploadId })),
    );
    expect(failure).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });

  it('accepts AES256 without applying or echoing it', async () => {
    const { plainClient } = emulate('ceph');
    const put = await plainClient.send(
      new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x', ServerSideEncryption: 'AES256' }),
    );
    expect(put.ServerSideEncryption).toBeUndefined();
    expect(emulator.object('b', 'k')?.sse).toBeUndefined();
  });

  it('refuses CopyObject of an SSE-KMS source with 501, while UploadPartCopy works', async () => {
    const { plainClient } = emulate('ceph');
    emulator.putObject('b', 'kms', 'secret', { sse: 'aws:kms', kmsKeyId: 'testkey-1' });
    const failure = await failureOf(
      plainClient.send(new CopyObjectCommand({ Bucket: 'b', Key: 'c', CopySource: 'b/kms' })),
    );
    expect(failure).toMatchObject({ name: 'NotImplemented', status: 501 });
    const { UploadId } = await plainClient.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: 'c' }));
    await plainClient.send(
      new UploadPartCopyCommand({ Bucket: 'b', Key: 'c', UploadId, PartNumber: 1, CopySource: 'b/kms' }),
    );
  });
});

describe('r2', () => {
  it('refuses canned ACLs other than private with 501 NotImplemented, and has no ACL API', async () => {
    const { plainClient } = emulate('r2');
    const failure = await failureOf(
      plainClient.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x', ACL: 'public-read' })),
    );
    expect(failure).toMatchObject({ name: 'NotImplemented', status: 501 });
    expect(failure.message).toContain("Header 'x-amz-acl' with value 'public-read' not implemented");
    await plainClient.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x', ACL: 'private' }));
    const acl = await failureOf(plainClient.send(new GetObjectAclCommand({ Bucket: 'b', Key: 'k' })));
    expect(acl).toMatchObject({ name: 'NotImplemented', status: 501 });
  });

  it('refuses multipart uploads whose non-trailing parts differ in size', async () => {
    const { plainClient } = emulate('r2');
    expect(emulator.clientConfig.region).toBe('auto');
    const unequal = await multipartUpload(plainClient, [minPartSize, minPartSize + 1, 1]);
    expect(await failureOf(unequal.complete())).toMatchObject({ name: 'InvalidPart', status: 400 });
    const lastLarger = await multipartUpload(plainClient, [minPartSize, minPartSize + 1]);
    expect(await failureOf(lastLarger.complete())).toMatchObject({ name: 'InvalidPart', status: 400 });
    const equal = await multipartUpload(plainClient, [minPartSize, minPartSize, 5]);
    await equal.complete();
  });
});

describe('b2', () => {
  it('refuses the SDK default checksum headers with 400 InvalidArgument, on writes and reads', async () => {
    const { client, plainClient } = emulate('b2');
    const put = await failureOf(client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })));
    expect(put).toMatchObject({ name: 'InvalidArgument', status: 400 });
    expect(put.message).toMatch(
      /^Unsupported header 'x-amz-(checksum-crc32|sdk-checksum-algorithm)' received/,
    );
    await plainClient.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));
    const get = await failureOf(client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })));
    expect(get.message).toBe("Unsupported header 'x-amz-checksum-mode' received for this API call.");
  });

  it('refuses DeleteObjects even from a WHEN_REQUIRED client, which still sends a CRC32 there', async () => {
    // aws/aws-sdk-js-v3#6819: DeleteObjects requires a checksum, and the SDK picks CRC32 over Content-MD5.
    const { plainClient } = emulate('b2');
    const failure = await failureOf(
      plainClient.send(new DeleteObjectsCommand({ Bucket: 'b', Delete: { Objects: [{ Key: 'k' }] } })),
    );
    expect(failure).toMatchObject({ name: 'InvalidArgument', status: 400 });
  });

  it('refuses SSE-KMS', async () => {
    const { plainClient } = emulate('b2');
    const failure = await failureOf(
      plainClient.send(
        new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms' }),
      ),
    );
    expect(failure).toMatchObject({ name: 'InvalidArgument', status: 400 });
  });
});

describe('minio', () => {
  it('serves path-style requests only', async () => {
    const { plainClient } = emulate('minio');
    // A one-letter bucket is no DNS name: the SDK would fall back to path style.
    emulator.createBucket('bucket-m');
    await plainClient.send(new PutObjectCommand({ Bucket: 'bucket-m', Key: 'k', Body: 'x' }));
    const virtual = clientFor(emulator, {
      forcePathStyle: false,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const failure = await failureOf(virtual.send(new GetObjectCommand({ Bucket: 'bucket-m', Key: 'k' })));
    expect(failure).toMatchObject({ name: 'NoSuchBucket', status: 404 });
  });
});

describe('wasabi', () => {
  it('exposes its 90-day minimum storage duration', () => {
    expect(providerProfiles.wasabi.minimumStorageDays).toBe(90);
  });
});

describe('custom profiles', () => {
  it('derive from a named one', async () => {
    emulator = createS3Emulator({
      profile: { ...providerProfiles.aws, emptyCompleteMultipartEtag: true },
      minPartSize,
    })
      .listen()
      .createBucket('b');
    const { complete } = await multipartUpload(clientFor(emulator), [1]);
    expect((await complete()).ETag ?? '').toBe('');
  });
});
