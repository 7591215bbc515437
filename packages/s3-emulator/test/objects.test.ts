import { createHash } from 'node:crypto';
// The default export: msw patches its properties; a named ESM import would bypass msw.
import http from 'node:http';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Emulator } from '../src/index.js';
import { clientFor, failureOf } from './clients.js';

const emulator = createS3Emulator({ maxCopySize: 1024 }).listen();
const client = clientFor(emulator);
let bucket: string;
let bucketCount = 0;
beforeEach(() => {
  bucketCount += 1;
  bucket = `objects-${bucketCount}`;
  emulator.createBucket(bucket);
});
afterAll(() => emulator.close());

describe('PutObject', () => {
  it('stores the body with its content headers, metadata, ACL and encryption', async () => {
    const put = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'dir/a file+ü.txt',
        Body: 'hello',
        ContentType: 'text/plain',
        CacheControl: 'max-age=60',
        ContentDisposition: 'attachment; filename="a.txt"',
        ACL: 'public-read',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'key-1',
        Metadata: { owner: 'me', 'Mixed-Case': 'v' },
      }),
    );
    expect(put.ETag).toBe('"5d41402abc4b2a76b9719d911017c592"');
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(emulator.object(bucket, 'dir/a file+ü.txt')).toMatchObject({
      body: Buffer.from('hello'),
      contentType: 'text/plain',
      cacheControl: 'max-age=60',
      contentDisposition: 'attachment; filename="a.txt"',
      acl: 'public-read',
      sse: 'aws:kms',
      kmsKeyId: 'key-1',
      metadata: { owner: 'me', 'mixed-case': 'v' },
    });
  });

  it('takes streamed bodies, with and without the SDK request checksums', async () => {
    const payload = Buffer.alloc(3 * 1024 * 1024 + 5, 'x');
    const streamed = () => Readable.from([payload.subarray(0, 1_000_000), payload.subarray(1_000_000)]);
    const started = Date.now();
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'chunked',
        Body: streamed(),
        ContentLength: payload.length,
      }),
    );
    const plain = clientFor(emulator, { requestChecksumCalculation: 'WHEN_REQUIRED' });
    await plain.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: streamed(), ContentLength: payload.length }),
    );
    // Expect: 100-continue is answered at once, not after the SDK's 6 s wait.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(emulator.object(bucket, 'chunked')?.body.equals(payload)).toBe(true);
    expect(emulator.object(bucket, 'plain')?.body.equals(payload)).toBe(true);
  });

  it('refuses a body that does not match its Content-MD5 or its x-amz-checksum', async () => {
    const md5OfOther = createHash('md5').update('other').digest('base64');
    const badMd5 = await failureOf(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'data', ContentMD5: md5OfOther })),
    );
    expect(badMd5).toMatchObject({ name: 'BadDigest', status: 400 });
    const badCrc = await failureOf(
      client.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'data', ChecksumCRC32: 'AAAAAA==' }),
      ),
    );
    expect(badCrc).toMatchObject({ name: 'BadDigest', status: 400 });
    expect(emulator.object(bucket, 'k')).toBeUndefined();
  });

  it('refuses objects above maxObjectSize', async () => {
    const small = createS3Emulator({ endpoint: 'http://small.emulator.test', maxObjectSize: 4 }).listen();
    try {
      small.createBucket('b');
      const failure = await failureOf(
        clientFor(small).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: '12345' })),
      );
      expect(failure).toMatchObject({ name: 'EntityTooLarge', status: 400 });
    } finally {
      small.close();
    }
  });

  it('refuses an overwrite with If-None-Match: *', async () => {
    emulator.putObject(bucket, 'k', 'old');
    const failure = await failureOf(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'new', IfNoneMatch: '*' })),
    );
    expect(failure).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    const failure = await failureOf(
      client.send(new PutObjectCommand({ Bucket: 'missing', Key: 'k', Body: 'x' })),
    );
    expect(failure).toMatchObject({ name: 'NoSuchBucket', status: 404 });
  });

  it('reaches buckets by virtual host too', async () => {
    const virtual = clientFor(emulator, { forcePathStyle: false });
    await virtual.send(new PutObjectCommand({ Bucket: bucket, Key: 'v/k', Body: 'virtual' }));
    expect(emulator.object(bucket, 'v/k')?.body.toString()).toBe('virtual');
  });
});

describe('GetObject and HeadObject', () => {
  beforeEach(() =>
    emulator.putObject(bucket, 'k', '0123456789', { contentType: 'text/plain', metadata: { a: 'b' } }),
  );

  it('returns the body and the stored headers', async () => {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('0123456789');
    expect(got).toMatchObject({
      ContentType: 'text/plain',
      ContentLength: 10,
      Metadata: { a: 'b' },
      AcceptRanges: 'bytes',
    });
  });

  it.each([
    ['bytes=2-4', '234', 'bytes 2-4/10'],
    ['bytes=7-', '789', 'bytes 7-9/10'],
    ['bytes=-3', '789', 'bytes 7-9/10'],
    ['bytes=8-100', '89', 'bytes 8-9/10'],
  ])('serves Range %s with 206 and Content-Range', async (range, body, contentRange) => {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', Range: range }));
    expect(got.$metadata.httpStatusCode).toBe(206);
    expect(got.ContentRange).toBe(contentRange);
    expect(await got.Body?.transformToString()).toBe(body);
  });

  it('answers 416 InvalidRange for an unsatisfiable range', async () => {
    const failure = await failureOf(
      client.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', Range: 'bytes=10-' })),
    );
    expect(failure).toMatchObject({ name: 'InvalidRange', status: 416 });
  });

  it('answers NoSuchKey, and a bodiless 404 to HEAD', async () => {
    expect(await failureOf(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'nope' })))).toMatchObject(
      {
        name: 'NoSuchKey',
        status: 404,
      },
    );
    expect(
      await failureOf(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'nope' }))),
    ).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
  });

  it('heads an object without its body', async () => {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(head).toMatchObject({ ContentLength: 10, ETag: emulator.object(bucket, 'k')?.etag });
  });

  it('honours If-Match', async () => {
    const failure = await failureOf(
      client.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', IfMatch: '"other"' })),
    );
    expect(failure).toMatchObject({ status: 412 });
  });
});

describe('authorization', () => {
  const anonymousGet = (path: string) =>
    new Promise<number>((resolve, reject) => {
      http
        .request(`${emulator.endpoint}${path}`, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
        .on('error', reject)
        .end();
    });

  it('refuses requests without an Authorization header, except reads of public objects', async () => {
    emulator.putObject(bucket, 'private', 'x');
    emulator.putObject(bucket, 'public', 'x', { acl: 'public-read' });
    expect(await anonymousGet(`/${bucket}/private`)).toBe(403);
    expect(await anonymousGet(`/${bucket}/public`)).toBe(200);
  });

  it('does not check signatures', async () => {
    const wrongSecret = new S3Client({
      ...emulator.clientConfig,
      credentials: { accessKeyId: 'someone', secretAccessKey: 'else' },
    });
    const answer = await wrongSecret.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(answer.$metadata.httpStatusCode).toBe(200);
  });
});

describe('buckets, deletes and ACLs', () => {
  it('lists buckets and answers HeadBucket', async () => {
    const listed = await client.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).toContain(bucket);
    expect(await failureOf(client.send(new HeadBucketCommand({ Bucket: 'missing' })))).toMatchObject({
      status: 404,
    });
  });

  it('deletes a bucket once empty', async () => {
    emulator.putObject(bucket, 'k', 'x');
    const notEmpty = await failureOf(client.send(new DeleteBucketCommand({ Bucket: bucket })));
    expect(notEmpty).toMatchObject({ name: 'BucketNotEmpty', status: 409 });
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    expect(await failureOf(client.send(new HeadBucketCommand({ Bucket: bucket })))).toMatchObject({
      status: 404,
    });
  });

  it('answers 501 NotImplemented to operations it does not emulate', async () => {
    emulator.putObject(bucket, 'k', 'x');
    const failure = await failureOf(
      client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'k', Tagging: { TagSet: [] } })),
    );
    expect(failure).toMatchObject({ name: 'NotImplemented', status: 501 });
  });

  it('deletes one object and many', async () => {
    for (const key of ['a', 'b', 'c']) emulator.putObject(bucket, key, key);
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a' }));
    const deleted = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'b' }, { Key: 'never-was' }] } }),
    );
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['b', 'never-was']);
    expect(emulator.keys(bucket)).toEqual(['c']);
  });

  it('describes canned ACLs in GetObjectAcl', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'pub', Body: 'x', ACL: 'public-read' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'priv', Body: 'x' }));
    const grants = async (key: string) =>
      (await client.send(new GetObjectAclCommand({ Bucket: bucket, Key: key }))).Grants?.map(
        (grant) => `${grant.Grantee?.URI ?? 'owner'}:${grant.Permission}`,
      );
    expect(await grants('pub')).toEqual([
      'owner:FULL_CONTROL',
      'http://acs.amazonaws.com/groups/global/AllUsers:READ',
    ]);
    expect(await grants('priv')).toEqual(['owner:FULL_CONTROL']);
  });
});

describe('CopyObject', () => {
  beforeEach(() =>
    emulator.putObject(bucket, 'src dir/ü', 'source', {
      contentType: 'text/plain',
      metadata: { from: 'source' },
    }),
  );
  const copySource = () => `${bucket}/${encodeURIComponent('src dir/ü')}`;

  it('copies body and metadata by default', async () => {
    const copied = await client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: copySource() }),
    );
    expect(copied.CopyObjectResult?.ETag).toBe(emulator.object(bucket, 'src dir/ü')?.etag);
    expect(emulator.object(bucket, 'copy')).toMatchObject({
      contentType: 'text/plain',
      metadata: { from: 'source' },
    });
  });

  it('replaces metadata with the REPLACE directive', async () => {
    await client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'copy',
        CopySource: copySource(),
        MetadataDirective: 'REPLACE',
        ContentType: 'application/json',
        Metadata: { fresh: 'yes' },
      }),
    );
    expect(emulator.object(bucket, 'copy')).toMatchObject({
      contentType: 'application/json',
      metadata: { fresh: 'yes' },
    });
  });

  it('refuses sources above maxCopySize and missing sources', async () => {
    emulator.putObject(bucket, 'big', Buffer.alloc(1025));
    const tooBig = await failureOf(
      client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'c', CopySource: `${bucket}/big` })),
    );
    expect(tooBig).toMatchObject({ name: 'InvalidRequest', status: 400 });
    const missing = await failureOf(
      client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'c', CopySource: `${bucket}/none` })),
    );
    expect(missing).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });
});
