import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectAclCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';
import { tusUpload } from './helpers/tus.js';

const server = inject('s3Server');
const ARCHIVE_ROOT = 'archive/files';

describe.skipIf(!server)('a deployment with a local and two S3 locations', () => {
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  let raw: S3Client;
  const buckets: { bucket: string; remove(): Promise<void> }[] = [];
  const bucketOf = (location: 's3' | 'archive') => buckets[location === 's3' ? 0 : 1]!.bucket;
  const objectKey = (file: FileJson) =>
    file.storage === 'archive' ? `${ARCHIVE_ROOT}/${file.filename_disk}` : file.filename_disk;

  beforeAll(async () => {
    buckets.push(await createTestBucket(server!, 'api-s3'), await createTestBucket(server!, 'api-archive'));
    raw = rawS3Client(server!);
    api = await startApi({
      STORAGE_LOCATIONS: 'local,s3,archive',
      // Few sockets: a download that leaked its connection would soon starve the location.
      ...s3LocationEnv('s3', server!, bucketOf('s3'), {
        MAX_SOCKETS: '8',
        TUS__MAX_CONCURRENT_PART_UPLOADS: '4',
        // Streams past 1 MiB go multipart: uploads of unknown length take that path in production.
        MULTIPART_THRESHOLD: '1mb',
      }),
      ...s3LocationEnv('archive', server!, bucketOf('archive'), {
        ROOT: ARCHIVE_ROOT,
        ACL: 'public-read',
        SERVER_SIDE_ENCRYPTION: 'aws:kms',
        SERVER_SIDE_ENCRYPTION_KMS_KEY_ID: 'testkey-1',
      }),
    });
    http = client(api.url, api.token);
  });
  afterAll(async () => {
    await api?.close();
    await Promise.all(buckets.map((b) => b.remove()));
    raw?.destroy();
  });

  const storedObject = (file: FileJson) =>
    raw.send(
      new HeadObjectCommand({ Bucket: bucketOf(file.storage as 's3' | 'archive'), Key: objectKey(file) }),
    );

  it('reports every location healthy', async () => {
    const health = await http.json<{ data: { status: string; locations: Record<string, { ok: boolean }> } }>(
      '/server/health',
    );
    expect(health.status).toBe(200);
    expect(Object.keys(health.body.data.locations)).toEqual(['local', 's3', 'archive']);
    const info = await http.json<{ data: { locations: { name: string; default: boolean }[] } }>(
      '/server/info',
    );
    expect(info.body.data.locations.map((l) => [l.name, l.default])).toEqual([
      ['local', true],
      ['s3', false],
      ['archive', false],
    ]);
  });

  it.each(['s3', 'archive'] as const)(
    'uploads to %s and serves ranges and conditional requests',
    async (location) => {
      const content = bytes(300_000, location.length);
      const file = await http.uploadOk(
        { storage: location },
        { name: 'photo.jpg', type: 'image/jpeg', content },
      );
      expect(file).toMatchObject({ storage: location, filesize: content.length, checksum: sha256(content) });
      const object = await storedObject(file);
      expect(object.ContentLength).toBe(content.length);
      if (location === 'archive') {
        expect(object.ServerSideEncryption).toBe('aws:kms');
        expect(object.SSEKMSKeyId).toContain('testkey-1');
        const acl = await raw.send(
          new GetObjectAclCommand({ Bucket: bucketOf('archive'), Key: objectKey(file) }),
        );
        expect(acl.Grants?.some((g) => g.Permission === 'READ' && g.Grantee?.URI?.endsWith('AllUsers'))).toBe(
          true,
        );
      }
      const whole = await http.download(file.id);
      expect(sha256(whole.body)).toBe(sha256(content));
      const range = await http.download(file.id, { range: 'bytes=-1000' });
      expect(range.status).toBe(206);
      expect(range.body.equals(content.subarray(-1000))).toBe(true);
      expect((await http.download(file.id, { 'if-none-match': whole.headers.get('etag')! })).status).toBe(
        304,
      );
      expect((await http.download(file.id, { range: 'bytes=300000-' })).status).toBe(416);
    },
  );

  it('moves a file through every location and back, never losing it', async () => {
    const content = bytes(200_000, 42);
    let file = await http.uploadOk({}, { name: 'travel.bin', content });
    const localPath = () => join(api.dataDir, 'uploads', file.filename_disk);
    for (const to of ['s3', 'archive', 's3', 'local'] as const) {
      const from = file;
      const moved = await http.patch(file.id, { storage: to, title: `on ${to}` });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      file = moved.body.data;
      expect(file).toMatchObject({ storage: to, title: `on ${to}`, checksum: sha256(content) });
      expect(sha256((await http.download(file.id)).body)).toBe(sha256(content));
      // The source copy is gone.
      if (from.storage === 'local')
        await expect(stat(join(api.dataDir, 'uploads', from.filename_disk))).rejects.toThrow();
      else await expect(storedObject(from)).rejects.toMatchObject({ name: 'NotFound' });
    }
    expect((await readFile(localPath())).equals(content)).toBe(true);
    expect(
      (await http.json<{ data: FileJson[] }>('/files?filter[storage][_eq]=archive')).body.data.map(
        (f) => f.id,
      ),
    ).not.toContain(file.id);
  });

  it('deletes the record, then the object', async () => {
    const file = await http.uploadOk({ storage: 's3' }, { content: bytes(10) });
    expect((await http.fetch(`/files/${file.id}`, { method: 'DELETE' })).status).toBe(204);
    await expect(storedObject(file)).rejects.toMatchObject({ name: 'NotFound' });
    expect((await http.download(file.id)).status).toBe(404);
  });

  it('refuses an oversize file on S3 and leaves no object behind', async () => {
    const small = await startApi({
      STORAGE_LOCATIONS: 's3',
      FILES_MAX_UPLOAD_SIZE: String(1024 * 1024),
      ...s3LocationEnv('s3', server!, bucketOf('s3'), { ROOT: `oversize-${randomUUID()}` }),
    });
    try {
      const response = await client(small.url, small.token).upload({}, { content: bytes(3 * 1024 * 1024) });
      expect(response.status).toBe(413);
      expect((await client(small.url, small.token).json<{ data: FileJson[] }>('/files')).body.data).toEqual(
        [],
      );
    } finally {
      await small.close();
    }
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const listing = await raw.send(new ListObjectsV2Command({ Bucket: bucketOf('s3'), Prefix: 'oversize-' }));
    expect((listing.Contents ?? []).filter((o) => !o.Key!.includes('/.stowage/'))).toEqual([]);
  });

  it('releases the S3 connection of every download a client abandons', async () => {
    // Two parts of a multipart upload on the way in.
    const content = bytes(12 * 1024 * 1024, 5);
    const file = await http.uploadOk({ storage: 's3' }, { content });
    // Far more abandoned downloads than the location has sockets (8): a leak would hang the last request.
    for (let i = 0; i < 30; i++) {
      const abort = new AbortController();
      const response = await http.fetch(`/assets/${file.id}`, { signal: abort.signal });
      const reader = response.body!.getReader();
      await reader.read();
      abort.abort();
    }
    const after = await http.download(file.id);
    expect(sha256(after.body)).toBe(sha256(content));
  });

  it.each(['s3', 'archive'] as const)('takes resumable uploads into %s', async (location) => {
    const content = bytes(6 * 1024 * 1024 + 123, 7);
    const { id } = await tusUpload(api.url, api.token, content, {
      chunkSize: 2 * 1024 * 1024,
      metadata: { storage: location, filename: 'big.bin', filetype: 'application/x-big' },
    });
    const record = (await http.json(`/files/${id}`)).body.data;
    expect(record).toMatchObject({
      storage: location,
      upload_status: 'ready',
      filesize: content.length,
      checksum: sha256(content),
      type: 'application/x-big',
    });
    expect((await storedObject(record)).ContentLength).toBe(content.length);
    expect(sha256((await http.download(id)).body)).toBe(sha256(content));
  });
});

describe.skipIf(!server)('an S3 location whose bucket does not exist', () => {
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  beforeAll(async () => {
    api = await startApi({
      STORAGE_LOCATIONS: 'lost',
      ...s3LocationEnv('lost', server!, `no-such-bucket-${randomUUID().slice(0, 8)}`),
    });
    http = client(api.url, api.token);
  });
  afterAll(() => api?.close());

  it('answers uploads with a server error, never a missing file, and fails its health', async () => {
    const upload = await http.upload({}, { name: 'a.bin', content: bytes(2 * 1024 * 1024) });
    expect(upload.status).toBe(500);
    expect(upload.body.errors[0]).toEqual({
      message: 'The storage backend failed',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect((await http.json('/server/health')).status).toBe(503);
    expect((await http.json('/files')).body.data).toEqual([]);
  });
});
