import { ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { type ApiErrorJson, bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';

const server = inject('s3Server');
const MiB = 1024 * 1024;

interface Started {
  file: FileJson;
  endpoint: string;
  expires: string;
  upload?: { method: 'PUT'; url: string; headers: Record<string, string> };
  multipart?: { part_size: number; max_parts: number };
}
type Answer<T> = { data: T; errors: ApiErrorJson[]; meta?: { checksum: string } };

describe.skipIf(!server)('direct uploads to an S3 location', () => {
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  let raw: S3Client;
  let bucket: { bucket: string; remove(): Promise<void> };

  /** The SHA-256 of a file completed without one announced arrives after the answer. */
  const checksumSettles = (id: string, expected: string) =>
    vi.waitFor(async () => expect((await http.json(`/files/${id}`)).body.data.checksum).toBe(expected), {
      timeout: 10_000,
      interval: 100,
    });
  beforeAll(async () => {
    bucket = await createTestBucket(server!, 'api-direct');
    raw = rawS3Client(server!);
    api = await startApi({
      STORAGE_LOCATIONS: 'local,s3',
      FILES_DIRECT_UPLOAD_MULTIPART_THRESHOLD: '6mb',
      ...s3LocationEnv('s3', server!, bucket.bucket),
    });
    http = client(api.url, api.token);
  });
  afterAll(async () => {
    await api?.close();
    await bucket?.remove();
    raw?.destroy();
  });

  const start = (body: Record<string, unknown>) =>
    http.json<Answer<Started>>('/files/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ storage: 's3', ...body }),
    });
  /** Requests to an upload's endpoint: no token, the grant in the URL authorizes. */
  const atEndpoint = async <T>(url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      headers: init.body ? { 'content-type': 'application/json' } : {},
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const complete = (started: Started, parts?: { part_number: number; etag: string }[]) =>
    atEndpoint<Answer<FileJson>>(`${started.endpoint}/complete`, {
      method: 'POST',
      body: JSON.stringify(parts ? { parts } : {}),
    });
  const objectKeys = async () =>
    ((await raw.send(new ListObjectsV2Command({ Bucket: bucket.bucket }))).Contents ?? [])
      .map((o) => o.Key!)
      .filter((key) => !key.startsWith('.stowage/'));
  const multipartUploads = async () =>
    (await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket.bucket }))).Uploads ?? [];
  const sendParts = async (started: Started, content: Buffer, partSize: number) => {
    const etags: { part_number: number; etag: string }[] = [];
    for (let offset = 0, n = 1; offset < content.length; offset += partSize, n++) {
      const signed = await atEndpoint<{ url: string }>(
        `${started.endpoint}/s3/multipart/${started.file.id}/${n}`,
      );
      expect(signed.status).toBe(200);
      const put = await fetch(signed.body.url, {
        method: 'PUT',
        body: content.subarray(offset, offset + partSize),
      });
      expect(put.status).toBe(200);
      etags.push({ part_number: n, etag: put.headers.get('etag')! });
    }
    return etags;
  };

  it('takes a small file as one presigned PUT, then computes its SHA-256 before it is ready', async () => {
    const content = bytes(300_000, 3);
    const { status, body } = await start({ filename: 'photo.png', type: 'image/png', size: content.length });
    expect(status).toBe(200);
    const started = body.data;
    expect(started.file).toMatchObject({
      upload_status: 'uploading',
      storage: 's3',
      upload_length: content.length,
    });
    expect(started.upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/png' } });
    expect((await http.download(started.file.id)).status).toBe(404);

    // Not sent yet: completion waits for the bytes.
    expect((await complete(started)).status).toBe(409);
    // A body of another length than announced: the backend refuses it (the length is signed).
    const wrong = await fetch(started.upload!.url, {
      method: 'PUT',
      body: content.subarray(1),
      headers: started.upload!.headers,
    });
    expect(wrong.status).toBe(403);
    const put = await fetch(started.upload!.url, {
      method: 'PUT',
      body: content,
      headers: started.upload!.headers,
    });
    expect(put.status).toBe(200);

    const done = await complete(started);
    expect(done.status).toBe(200);
    // Ready once its size is right; none was announced, so the SHA-256 follows.
    expect(done.body.meta).toEqual({ checksum: 'pending' });
    expect(done.body.data).toMatchObject({ upload_status: 'ready', filesize: content.length });
    await checksumSettles(started.file.id, sha256(content));
    const download = await http.download(started.file.id);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(sha256(download.body)).toBe(sha256(content));
    // Completing again (a client retrying) answers the same file.
    expect((await complete(started)).body.data.checksum).toBe(sha256(content));
  });

  it('refuses content whose SHA-256 is not the one announced, and keeps nothing', async () => {
    const content = bytes(1000, 4);
    const { body } = await start({ filename: 'a.bin', size: 1000, checksum_sha256: sha256(bytes(1000, 5)) });
    const started = body.data;
    await fetch(started.upload!.url, { method: 'PUT', body: content, headers: started.upload!.headers });
    const refused = await complete(started);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]!.message).toMatch(/SHA-256.*discarded/);
    expect((await http.json(`/files/${started.file.id}`)).status).toBe(404);
    expect(await objectKeys()).not.toContain(started.file.filename_disk);

    const good = (
      await start({
        filename: 'b.bin',
        size: 1000,
        checksum_sha256: Buffer.from(sha256(content), 'hex').toString('base64'),
      })
    ).body.data;
    await fetch(good.upload!.url, { method: 'PUT', body: content, headers: good.upload!.headers });
    const verified = await complete(good);
    expect(verified.body.meta).toEqual({ checksum: 'verified' });
  });

  it('takes a large file in parts through the multipart endpoints, and joins them on completion', async () => {
    const content = bytes(11 * MiB + 17, 6);
    const { body } = await start({ filename: 'movie.mp4', type: 'video/mp4', size: content.length });
    const started = body.data;
    expect(started.upload).toBeUndefined();
    expect(started.multipart).toEqual({ part_size: 8 * MiB, max_parts: 10_000 });
    expect(
      (
        await atEndpoint<{ key: string; uploadId: string }>(`${started.endpoint}/s3/multipart`, {
          method: 'POST',
          body: '{"filename":"movie.mp4"}',
        })
      ).body,
    ).toEqual({
      key: started.file.id,
      uploadId: started.file.id,
    });
    const etags = await sendParts(started, content, 5 * MiB);
    const listed = await atEndpoint<{ PartNumber: number; Size: number }[]>(
      `${started.endpoint}/s3/multipart/${started.file.id}`,
    );
    expect(listed.body.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
      [3, MiB + 17],
    ]);
    expect(await objectKeys()).not.toContain(started.file.filename_disk);

    const done = await atEndpoint<{ location: string; key: string; data: FileJson }>(
      `${started.endpoint}/s3/multipart/${started.file.id}/complete`,
      {
        method: 'POST',
        body: JSON.stringify({ parts: etags.map((p) => ({ PartNumber: p.part_number, ETag: p.etag })) }),
      },
    );
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      key: started.file.id,
      location: `${api.url}/assets/${started.file.id}`,
    });
    expect(done.body.data).toMatchObject({ upload_status: 'ready', filesize: content.length });
    await checksumSettles(started.file.id, sha256(content));
    expect(sha256((await http.download(started.file.id)).body)).toBe(sha256(content));
    expect(await multipartUploads()).toEqual([]);
  });

  it('refuses parts that do not add up to the announced size, and aborts the upload', async () => {
    const content = bytes(7 * MiB, 7);
    const started = (await start({ filename: 'short.bin', size: content.length + 1 })).body.data;
    const etags = await sendParts(started, content, 5 * MiB);
    const refused = await complete(started, etags);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]!.message).toContain(
      `${content.length} bytes, ${content.length + 1} were announced`,
    );
    expect((await http.json(`/files/${started.file.id}`)).status).toBe(404);
    expect(await multipartUploads()).toEqual([]);
    expect(await objectKeys()).not.toContain(started.file.filename_disk);
    // The endpoint is of an upload that no longer exists.
    expect((await complete(started)).status).toBe(404);
  });

  it('aborts on request: parts, record and object all gone', async () => {
    const started = (await start({ filename: 'gone.bin', size: 20 * MiB })).body.data;
    await sendParts(started, bytes(5 * MiB, 8), 5 * MiB);
    expect((await multipartUploads()).map((upload) => upload.Key)).toEqual([started.file.filename_disk]);
    const aborted = await fetch(`${started.endpoint}/s3/multipart/${started.file.id}`, { method: 'DELETE' });
    expect(aborted.status).toBe(200);
    expect(await multipartUploads()).toEqual([]);
    expect((await http.json(`/files/${started.file.id}`)).status).toBe(404);
  });

  it('starts uploads through a location endpoint, as Uppy does, each bound to it', async () => {
    const grant = await http.json<Answer<{ endpoint: string; storage: string }>>('/files/uploads/grants', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ storage: 's3' }),
    });
    expect(grant.status).toBe(200);
    const { endpoint } = grant.body.data;
    const content = bytes(2 * MiB, 9);
    const created = await atEndpoint<{ key: string; uploadId: string }>(`${endpoint}/s3/multipart`, {
      method: 'POST',
      body: JSON.stringify({
        filename: 'uppy.bin',
        type: 'application/x-uppy',
        metadata: { size: content.length, name: 'uppy.bin' },
      }),
    });
    expect(created.status).toBe(200);
    const id = created.body.uploadId;
    const signed = await atEndpoint<{ url: string }>(`${endpoint}/s3/multipart/${id}/1`);
    const put = await fetch(signed.body.url, { method: 'PUT', body: content });
    const done = await atEndpoint<{ data: FileJson }>(`${endpoint}/s3/multipart/${id}/complete`, {
      method: 'POST',
      body: JSON.stringify({ parts: [{ PartNumber: 1, ETag: put.headers.get('etag') }] }),
    });
    expect(done.body.data).toMatchObject({ id, filename_download: 'uppy.bin', type: 'application/x-uppy' });
    await checksumSettles(id, sha256(content));

    // Another upload's endpoint cannot reach it, nor can a forged one.
    const other = (await start({ filename: 'x.bin', size: 10 })).body.data;
    expect((await atEndpoint(`${other.endpoint}/s3/multipart/${id}/2`)).status).toBe(403);
    const forged = other.endpoint.replace(/\.[^./]+$/, '.AAAA');
    expect((await atEndpoint(`${forged}/complete`, { method: 'POST', body: '{}' })).status).toBe(403);
  });

  it('sends a local location to TUS, and refuses bad requests with their reason', async () => {
    const local = await start({ storage: 'local', filename: 'a.bin', size: 10 });
    expect(local.status).toBe(400);
    expect(local.body.errors[0]!.message).toMatch(/takes no direct uploads.*TUS/);
    expect((await start({ filename: 'a.bin' })).body.errors[0]!.message).toContain('size');
    expect((await start({ filename: 'a.bin', size: 11 * 1024 ** 3 })).status).toBe(413);
    expect((await start({ filename: 'a.bin', size: 1, checksum_sha256: 'nope' })).status).toBe(400);
    const noToken = await fetch(`${api.url}/files/uploads`, { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
  });
});

describe.skipIf(!server)('abandoned direct uploads', () => {
  it('are discarded once expired: parts aborted, record removed', async () => {
    const bucket = await createTestBucket(server!, 'api-abandoned');
    const raw = rawS3Client(server!);
    const api = await startApi({
      STORAGE_LOCATIONS: 's3',
      FILES_DIRECT_UPLOAD_EXPIRATION: '2s',
      TUS_CLEANUP_INTERVAL: '500ms',
      ...s3LocationEnv('s3', server!, bucket.bucket),
    });
    try {
      const http = client(api.url, api.token);
      const started = (
        await http.json<Answer<Started>>('/files/uploads', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ filename: 'left.bin', size: 200 * MiB }),
        })
      ).body.data;
      const signed = (await (
        await fetch(`${started.endpoint}/s3/multipart/${started.file.id}/1`)
      ).json()) as { url: string };
      expect((await fetch(signed.url, { method: 'PUT', body: bytes(5 * MiB) })).status).toBe(200);
      const single = (
        await http.json<Answer<Started>>('/files/uploads', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ filename: 'put.bin', size: 10 }),
        })
      ).body.data;
      await fetch(single.upload!.url, { method: 'PUT', body: bytes(10), headers: single.upload!.headers });
      expect((await http.json<{ data: FileJson[] }>('/files')).body.data).toHaveLength(2);

      const deadline = Date.now() + 15_000;
      let uploads: unknown[] = [];
      let objects: unknown[] = [];
      do {
        await new Promise((resolve) => setTimeout(resolve, 500));
        uploads = (await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket.bucket }))).Uploads ?? [];
        objects = (
          (await raw.send(new ListObjectsV2Command({ Bucket: bucket.bucket }))).Contents ?? []
        ).filter((o) => !o.Key!.startsWith('.stowage/'));
      } while ((uploads.length > 0 || objects.length > 0) && Date.now() < deadline);
      expect(uploads).toEqual([]);
      expect(objects).toEqual([]);
      expect((await http.json<{ data: FileJson[] }>('/files')).body.data).toEqual([]);
      expect((await fetch(`${started.endpoint}/complete`, { method: 'POST' })).status).toBe(403);
    } finally {
      await api.close();
      await bucket.remove();
      raw.destroy();
    }
  });
});
