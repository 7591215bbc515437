import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BlackHole, createTestBucket, startBlackHole } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fedUpload } from './helpers/fed-upload.js';
import { bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';
import { createS3Proxy, type S3Proxy } from './helpers/s3-proxy.js';
import { createUpload, tusFetch, tusUpload } from './helpers/tus.js';
import { until } from './helpers/until.js';

const server = inject('s3Server');
const MIB = 1024 * 1024;

/** A tus PATCH whose body the test feeds (chunked), then abandons or ends. */
function fedPatch(url: string, token: string, offset: number) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const response = fetch(url, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${token}`,
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    body,
    duplex: 'half',
  } as RequestInit);
  response.catch(() => {});
  return { send: (bytes: Uint8Array) => controller.enqueue(bytes), response };
}

const headOffset = async (url: string, token: string) =>
  Number(
    (
      await fetch(url, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
      })
    ).headers.get('upload-offset'),
  );

describe.skipIf(!server)('a backend that stops answering', () => {
  let hole: BlackHole;
  let proxy: S3Proxy;
  let bucket: Awaited<ReturnType<typeof createTestBucket>>;
  let api: RunningApi;
  beforeAll(async () => {
    hole = await startBlackHole();
    proxy = await createS3Proxy(server!.endpoint);
    bucket = await createTestBucket(server!, 'api-stall');
    api = await startApi({
      STORAGE_LOCATIONS: 'local,stalling,hole',
      ...s3LocationEnv('stalling', { ...server!, endpoint: proxy.endpoint }, bucket.bucket, {
        SOCKET_TIMEOUT: '1000',
      }),
      ...s3LocationEnv('hole', { ...server!, endpoint: hole.endpoint }, bucket.bucket, {
        SOCKET_TIMEOUT: '1000',
      }),
      HEALTH_TIMEOUT: '1s',
    });
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.close();
    hole?.close();
    await bucket?.remove();
  });

  it('GET /server/health answers within HEALTH_TIMEOUT: 503, that location timed out, the others fine', async () => {
    const started = Date.now();
    const health = await client(api.url, api.token).json<{
      data: { locations: Record<string, { ok: boolean; timedOut?: boolean; error?: string }> };
    }>('/server/health');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(health.status).toBe(503);
    expect(health.body.data.locations.hole).toMatchObject({
      ok: false,
      timedOut: true,
      error: 'timed out after 1000 ms',
    });
    expect(health.body.data.locations.local).toMatchObject({ ok: true });
    expect(health.body.data.locations.stalling).toMatchObject({ ok: true });
  });

  it('a tus PATCH to an S3 server that stopped reading fails within its deadlines, and resumes once it reads again', async () => {
    const content = bytes(10 * MIB, 1);
    const url = await createUpload(api.url, api.token, content.length, { storage: 'stalling' });
    proxy.stall();
    const started = Date.now();
    const patch = await tusFetch(url, api.token, {
      method: 'PATCH',
      headers: { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: content,
    });
    // One streamed attempt and the SDK's three of the buffered part, a second each, and backoff.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(patch.status).toBe(503);
    proxy.resume();

    const offset = await headOffset(url, api.token);
    const { id } = await tusUpload(api.url, api.token, content, { uploadUrl: url, chunkSize: 10 * MIB });
    expect(offset).toBeLessThan(content.length);
    expect((await client(api.url, api.token).json(`/files/${id}`)).body.data).toMatchObject({
      upload_status: 'ready',
      checksum: sha256(content),
    });
  });
});

describe.skipIf(!server)('a client that stops sending its body', () => {
  let bucket: Awaited<ReturnType<typeof createTestBucket>>;
  let api: RunningApi;
  beforeAll(async () => {
    bucket = await createTestBucket(server!, 'api-idle');
    api = await startApi({
      STORAGE_LOCATIONS: 'local,s3',
      ...s3LocationEnv('s3', server!, bucket.bucket),
      UPLOAD_IDLE_TIMEOUT: '1s',
    });
  });
  afterAll(async () => {
    await api?.close();
    await bucket?.remove();
  });

  it('POST /files: the connection is closed after UPLOAD_IDLE_TIMEOUT and its temporary file removed', async () => {
    const upload = fedUpload(api.url, api.token);
    upload.send(bytes(2 * MIB, 2));
    const started = Date.now();
    await expect(upload.response).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(4000);
    await until(
      'the temporary file to go',
      async () =>
        (await readdir(join(api.dataDir, 'uploads', '.stowage', 'tmp'))).length === 0 ? true : undefined,
      2000,
    );
    expect((await client(api.url, api.token).json<{ data: FileJson[] }>('/files')).body.data).toEqual([]);
  });

  it('a tus PATCH: closed after UPLOAD_IDLE_TIMEOUT, the bytes received kept for the resume', async () => {
    const content = bytes(12 * MIB, 3);
    const url = await createUpload(api.url, api.token, content.length, { storage: 's3' });
    const patch = fedPatch(url, api.token, 0);
    patch.send(content.subarray(0, 9 * MIB));
    await expect(patch.response).rejects.toThrow();
    // The first 8 MiB part and the start of the next were stored when the client went silent.
    expect(await headOffset(url, api.token)).toBe(9 * MIB);
    const { id } = await tusUpload(api.url, api.token, content, { uploadUrl: url, chunkSize: 12 * MIB });
    expect((await client(api.url, api.token).json(`/files/${id}`)).body.data).toMatchObject({
      upload_status: 'ready',
      checksum: sha256(content),
    });
  });
});
