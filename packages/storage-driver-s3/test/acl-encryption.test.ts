import { GetObjectAclCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBuffer, streamOf } from '@stowage/storage/testing';
import { rawS3Client } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Driver } from '../src/index.js';
import { driverOn, server, useTestBucket } from './real-s3.js';

const MiB = 1024 ** 2;
/** A known size over multipartThreshold (set to 1 MiB below) goes multipart in 5 MiB parts. */
const MULTIPART_SIZE = 11 * MiB;
const small = Buffer.from('hello');

describe.skipIf(!server)('ACL and encryption on every write path (Ceph RGW)', () => {
  const bucket = useTestBucket('acl-sse');
  let raw: S3Client;
  beforeAll(() => {
    raw = rawS3Client(server!);
  });
  afterAll(() => raw?.destroy());

  const driverWith = (options: Parameters<typeof driverOn>[1]) =>
    driverOn(bucket.name, {
      root: 'acl',
      multipartThreshold: MiB,
      partSize: 5 * MiB,
      maxObjectSize: '40GiB',
      ...options,
    });

  /** Each way an object gets written: single PUT, multipart (unknown length too), copy, multipart copy. */
  const writePaths: [string, (driver: S3Driver, key: string) => Promise<void>][] = [
    [
      'single PUT',
      (driver, key) => driver.write(key, streamOf(small), { size: small.length, contentType: 'text/plain' }),
    ],
    [
      'multipart write',
      (driver, key) =>
        driver.write(key, streamOf(randomBuffer(MULTIPART_SIZE)), { contentType: 'text/plain' }),
    ],
    [
      'copy',
      async (driver, key) => {
        await driver.write(`${key}.src`, streamOf(small), { contentType: 'text/plain' });
        await driver.copy(`${key}.src`, key);
      },
    ],
    [
      'multipart copy',
      async (driver, key) => {
        const lowered = driverWith({ ...driver.options, maxCopyObjectSize: MiB });
        await driver.write(`${key}.src`, streamOf(randomBuffer(MULTIPART_SIZE)), {
          contentType: 'text/plain',
        });
        await lowered.copy(`${key}.src`, key);
      },
    ],
  ];

  const anonymousGet = (key: string) => fetch(`${server!.endpoint}/${bucket.name}/${key}`);

  describe.each(writePaths)('%s', (_, writeWith) => {
    it('applies public-read: anonymous GET 200, GetObjectAcl grants AllUsers READ, type kept', async () => {
      const driver = driverWith({ acl: 'public-read' });
      await writeWith(driver, 'public');
      const acl = await raw.send(new GetObjectAclCommand({ Bucket: bucket.name, Key: 'acl/public' }));
      expect(acl.Grants?.some((g) => g.Grantee?.URI?.endsWith('/AllUsers') && g.Permission === 'READ')).toBe(
        true,
      );
      const response = await anonymousGet('acl/public');
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect((await driver.stat('public')).contentType).toBe('text/plain');
    });

    it('applies private: anonymous GET 403', async () => {
      const driver = driverWith({ acl: 'private' });
      await writeWith(driver, 'private');
      const response = await anonymousGet('acl/private');
      expect(response.status).toBe(403);
      await response.arrayBuffer();
    });

    it('applies SSE-KMS with the key id', async () => {
      const driver = driverWith({
        serverSideEncryption: 'aws:kms',
        serverSideEncryptionKmsKeyId: server!.kmsKeyId,
      });
      await writeWith(driver, 'kms');
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket.name, Key: 'acl/kms' }));
      expect(head.ServerSideEncryption).toBe('aws:kms');
      expect(head.SSEKMSKeyId).toBe(server!.kmsKeyId);
    });
  });

  it('copies an SSE-KMS object, which RGW refuses to CopyObject (501), part by part, whatever provider is named', async () => {
    // RGW behind `generic` (or any preset): the fallback is on everywhere.
    const options = {
      provider: 'generic',
      forcePathStyle: true,
      serverSideEncryption: 'aws:kms',
      serverSideEncryptionKmsKeyId: server!.kmsKeyId,
    } as const;
    const driver = driverWith(options);
    await driver.write('kms-source', streamOf(small), { contentType: 'text/csv' });
    await driver.copy('kms-source', 'kms-copy');
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket.name, Key: 'acl/kms-copy' }));
    expect(head).toMatchObject({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: server!.kmsKeyId,
      ContentType: 'text/csv',
    });

    const withoutFallback = driverWith({ ...options, copyFallbackToMultipart: false });
    await expect(withoutFallback.copy('kms-source', 'kms-copy-2')).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/generic does not support copy/),
    });
  });
});
