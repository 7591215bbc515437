import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestBucket } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytes, type FileJson, formData } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import {
  answerChecker,
  type CallInit,
  documentedCalls,
  type OpenApiDocument,
  operationsOf,
} from './helpers/openapi.js';
import { s3LocationEnv } from './helpers/s3-env.js';
import { tusUpload } from './helpers/tus.js';

const server = inject('s3Server');
const unknownId = '00000000-0000-4000-8000-000000000000';
const wrongToken = 'wrong-token-0123456789';

interface Started {
  file: FileJson;
  endpoint: string;
  upload?: { url: string; headers: Record<string, string> };
}

/** Each answer of each operation, with each main status, against the document: bodies small, the S3-only routes on RGW. */
describe.skipIf(!server)('the answers of every operation, as /server/specs/oas describes them', () => {
  let api: RunningApi;
  let bucket: Awaited<ReturnType<typeof createTestBucket>>;
  let secondRoot: string;
  let document: OpenApiDocument;
  let checked: Set<string>;
  let call: ReturnType<typeof documentedCalls>;

  beforeAll(async () => {
    secondRoot = await mkdtemp(join(tmpdir(), 'stowage-oas-'));
    bucket = await createTestBucket(server!, 'api-oas');
    api = await startApi({
      STORAGE_LOCATIONS: 'local,second,s3',
      STORAGE_SECOND_DRIVER: 'local',
      STORAGE_SECOND_ROOT: secondRoot,
      ...s3LocationEnv('s3', server!, bucket.bucket),
    });
    document = (await (await fetch(`${api.url}/server/specs/oas`)).json()) as OpenApiDocument;
    const checker = answerChecker(document);
    checked = checker.checked;
    call = documentedCalls(api, checker.expectDocumented);
  });
  afterAll(async () => {
    await api?.close();
    await bucket?.remove();
    await rm(secondRoot, { recursive: true, force: true });
  });

  const form = (fields: Record<string, string>, ...names: string[]) =>
    formData(
      fields,
      names.map((name) => ({ name, type: 'image/png', content: bytes(5000) })),
    );
  const dataOf = async <T>(response: Response) => ((await response.json()) as { data: T }).data;

  it('files, assets, signed URLs and the server routes', async () => {
    const file = await dataOf<FileJson>(await call('POST /files', '/files', { body: form({}, 'a.png') }));
    await call('POST /files', '/files', { body: form({}, 'b.png', 'c.png') });
    await call('POST /files', '/files', { body: new FormData() });
    await call('POST /files', '/files', { body: form({}, 'd.png'), token: wrongToken });

    const one = `/files/${file.id}`;
    await call('GET /files', '/files?limit=10&sort=-uploaded_on');
    await call('GET /files', '/files?limit=5000');
    await call('GET /files', '/files?limit=5000', { token: null });
    await call('GET /files/{id}', one);
    await call('GET /files/{id}', `/files/${unknownId}`);
    await call('GET /files/{id}', one, { token: null });
    await call('PATCH /files/{id}', one, { json: { title: 't' } });
    await call('PATCH /files/{id}', one, { json: { storage: 'second' } });
    await call('PATCH /files/{id}', one, { json: { titel: 't' } });
    // The token comes before the body's shape.
    expect((await call('PATCH /files/{id}', one, { json: { titel: 't' }, token: null })).status).toBe(401);

    const asset = `/assets/${file.id}`;
    await call('GET /assets/{id}', asset);
    await call('GET /assets/{id}', asset, { headers: { range: 'bytes=0-9' } });
    await call('GET /assets/{id}', asset, { headers: { range: 'bytes=9000-' } });
    await call('GET /assets/{id}', asset, { headers: { 'if-none-match': `"${file.checksum}"` } });
    await call('GET /assets/{id}', asset, { token: null });
    await call('GET /assets/{id}', `${asset}?access_token=${api.token}`, { token: null });
    await call('GET /assets/{id}', `/assets/${unknownId}`);
    await call('GET /assets/{id}', `${asset}?expires=1796400000`);
    await call('GET /assets/{id}', `${asset}?expires=1796400000&signature=forged`);
    await call('HEAD /assets/{id}', asset);
    await call('HEAD /assets/{id}', asset, { token: null });
    await call('HEAD /assets/{id}', `/assets/${unknownId}`);

    const { url } = await dataOf<{ url: string }>(await call('POST /assets/{id}/sign', `${asset}/sign`));
    expect((await call('GET /assets/{id}', url)).status).toBe(200);
    await call('POST /assets/{id}/sign', `${asset}/sign`, { json: { expires_in: 0 } });
    await call('POST /assets/{id}/sign', `/assets/${unknownId}/sign`, { json: {} });
    await call('POST /assets/{id}/sign', `${asset}/sign`, { token: null });

    await call('GET /server/health', '/server/health', { token: null });
    await call('GET /server/info', '/server/info');
    await call('GET /server/info', '/server/info', { token: null });
    await call('GET /server/metrics', '/server/metrics');
    await call('GET /server/metrics', '/server/metrics', { token: null });
    await call('GET /server/specs/oas', '/server/specs/oas', { token: null });

    await call('DELETE /files/{id}', one);
    await call('DELETE /files/{id}', one);
    await call('DELETE /files/{id}', one, { token: null });
    await call('PATCH /files/{id}', one, { json: {} });
  });

  it('TUS: discovery, creation, offsets, appends (also as POST), termination', async () => {
    const tus = (operation: string, target: string, init: CallInit = {}) =>
      call(operation, target, { ...init, headers: { 'tus-resumable': '1.0.0', ...init.headers } });
    await call('OPTIONS /files/tus', '/files/tus', { token: null });
    await call('OPTIONS /files/tus/{id}', `/files/tus/${unknownId}`, { token: null });

    const finished = `/files/tus/${(await tusUpload(api.url, api.token, bytes(1000))).id}`;
    await tus('HEAD /files/tus/{id}', finished);
    await tus('HEAD /files/tus/{id}', `/files/tus/${unknownId}`);
    await tus('HEAD /files/tus/{id}', finished, { token: null });
    await call('HEAD /files/tus/{id}', finished);
    await tus('DELETE /files/tus/{id}', finished);

    const created = await tus('POST /files/tus', '/files/tus', { headers: { 'upload-length': '10' } });
    await tus('POST /files/tus', '/files/tus', {
      headers: { 'tus-resumable': '0.2.0', 'upload-length': '1' },
    });
    await tus('POST /files/tus', '/files/tus', { headers: { 'upload-length': String(11 * 1024 ** 3) } });
    await tus('POST /files/tus', '/files/tus', {
      headers: { 'upload-concat': `final;/files/tus/${unknownId}` },
    });
    await tus('POST /files/tus', '/files/tus', { token: null });

    const upload = new URL(created.headers.get('location')!).pathname;
    const append = (offset: number, size: number, headers = {}, operation = 'PATCH', target = upload) =>
      tus(`${operation} /files/tus/{id}`, target, {
        body: bytes(size),
        headers: {
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
          ...headers,
        },
      });
    await append(0, 5, { 'upload-checksum': 'sha1 AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    await append(0, 5, { 'upload-checksum': 'crc32 AAAA' });
    await append(0, 5);
    await append(0, 5);
    await append(5, 6);
    const withoutOffset = { 'content-type': 'application/offset+octet-stream' };
    await tus('PATCH /files/tus/{id}', upload, { body: bytes(1), headers: withoutOffset });
    await append(0, 1, {}, 'PATCH', `/files/tus/${unknownId}`);
    await tus('PATCH /files/tus/{id}', upload, { token: null });
    // PATCH as POST (tus-js-client's overridePatchMethod); a plain POST creates nothing.
    const override = { 'x-http-method-override': 'PATCH' };
    expect((await append(5, 2, override, 'POST')).headers.get('upload-offset')).toBe('7');
    await append(5, 2, override, 'POST');
    await append(7, 2, {}, 'POST');
    await append(0, 1, override, 'POST', `/files/tus/${unknownId}`);
    await tus('POST /files/tus/{id}', upload, { token: null });
    await tus('DELETE /files/tus/{id}', upload);
    await tus('DELETE /files/tus/{id}', upload);
    await tus('DELETE /files/tus/{id}', upload, { token: null });
  });

  it('redirects and direct uploads, with the endpoints and Uppy’s routes, on an S3 location', async () => {
    const stored = await dataOf<FileJson>(
      await call('POST /files', '/files', { body: form({ storage: 's3' }, 'e.png') }),
    );
    const redirect = await call('GET /assets/{id}', `/assets/${stored.id}?redirect`);
    expect(redirect.headers.get('location')).toMatch(/X-Amz-Signature=/);

    const start = async (body: Record<string, unknown>) =>
      dataOf<Started>(
        await call('POST /files/uploads', '/files/uploads', {
          json: { storage: 's3', filename: 'f.bin', ...body },
        }),
      );
    await call('POST /files/uploads', '/files/uploads', {
      json: { storage: 'local', filename: 'f', size: 1 },
    });
    await call('POST /files/uploads', '/files/uploads', {
      json: { storage: 's3', filename: 'f', size: 11 * 1024 ** 3 },
    });
    await call('POST /files/uploads', '/files/uploads', {
      json: { filename: 'f', size: 1 },
      token: wrongToken,
    });

    // One PUT.
    const single = await start({ size: 10 });
    const ownParts = (started: Started) => `${started.endpoint}/s3/multipart/${started.file.id}`;
    await call('GET /files/uploads/{grant}/s3/multipart/{uploadId}', ownParts(single));
    await call('POST /files/uploads/{grant}/complete', `${single.endpoint}/complete`);
    await fetch(single.upload!.url, { method: 'PUT', body: bytes(10), headers: single.upload!.headers });
    await call('POST /files/uploads/{grant}/complete', `${single.endpoint}/complete`, { json: {} });
    await call('DELETE /files/uploads/{grant}', single.endpoint);
    const forged = single.endpoint.replace(/\.[^./]+$/, '.AAAA');
    await call('POST /files/uploads/{grant}/complete', `${forged}/complete`);
    await call('DELETE /files/uploads/{grant}', forged);

    // Parts, through the upload's own endpoint, aborted.
    const parted = await start({ size: 10, multipart: true });
    const partsOf = ownParts(parted);
    await call('POST /files/uploads/{grant}/s3/multipart', `${parted.endpoint}/s3/multipart`, {
      json: { filename: 'f' },
    });
    await call(
      'POST /files/uploads/{grant}/s3/multipart/{uploadId}/complete',
      `${parted.endpoint}/s3/multipart/${unknownId}/complete`,
      { json: { parts: [] } },
    );
    await call('DELETE /files/uploads/{grant}/s3/multipart/{uploadId}', partsOf);
    await call('DELETE /files/uploads/{grant}/s3/multipart/{uploadId}', partsOf);
    await call('GET /files/uploads/{grant}/s3/multipart/{uploadId}', partsOf);
    await call('GET /files/uploads/{grant}/s3/multipart/{uploadId}/{partNumber}', `${partsOf}/1`);
    await call('POST /files/uploads/{grant}/s3/multipart/{uploadId}/complete', `${partsOf}/complete`, {
      json: { parts: [] },
    });
    await call('POST /files/uploads/{grant}/complete', `${parted.endpoint}/complete`);
    await call('DELETE /files/uploads/{grant}', parted.endpoint);

    const aborted = await start({ size: 10 });
    await call('DELETE /files/uploads/{grant}', aborted.endpoint);

    // Uppy's protocol under a location's endpoint.
    await call('POST /files/uploads/grants', '/files/uploads/grants', { json: { storage: 'local' } });
    await call('POST /files/uploads/grants', '/files/uploads/grants', { token: null });
    const grant = await call('POST /files/uploads/grants', '/files/uploads/grants', {
      json: { storage: 's3', expires_in: 600 },
    });
    const { endpoint } = await dataOf<{ endpoint: string }>(grant);
    await call('POST /files/uploads/{grant}/complete', `${endpoint}/complete`);
    await call('DELETE /files/uploads/{grant}', endpoint);
    await call('GET /files/uploads/{grant}/s3/params', `${endpoint}/s3/params?filename=a`);

    const create = (json: unknown, base = endpoint) =>
      call('POST /files/uploads/{grant}/s3/multipart', `${base}/s3/multipart`, { json });
    const { uploadId } = (await (
      await create({ filename: 'u.bin', type: 'text/plain', metadata: { size: 10 } })
    ).json()) as { uploadId: string };
    await create({ metadata: {} });
    await create({ filename: 'u.bin' }, forged);
    const parts = `${endpoint}/s3/multipart/${uploadId}`;
    const signPart = 'GET /files/uploads/{grant}/s3/multipart/{uploadId}/{partNumber}';
    const { url } = (await (await call(signPart, `${parts}/1?key=${uploadId}`)).json()) as { url: string };
    await call(signPart, `${parts}/0`);
    await call(signPart, `${endpoint}/s3/multipart/${unknownId}/1`);
    const etag = (await fetch(url, { method: 'PUT', body: bytes(10) })).headers.get('etag');
    await call('GET /files/uploads/{grant}/s3/multipart/{uploadId}', parts);
    await call('GET /files/uploads/{grant}/s3/multipart/{uploadId}', `${endpoint}/s3/multipart/${unknownId}`);
    const complete = 'POST /files/uploads/{grant}/s3/multipart/{uploadId}/complete';
    await call(complete, `${parts}/complete`, { json: { parts: [{ PartNumber: 1 }] } });
    await call(complete, `${parts}/complete`, { json: { parts: [{ PartNumber: 1, ETag: etag }] } });
    await call('DELETE /files/uploads/{grant}/s3/multipart/{uploadId}', parts);
    await call(
      'DELETE /files/uploads/{grant}/s3/multipart/{uploadId}',
      `${endpoint}/s3/multipart/${unknownId}`,
    );
  });

  it('exercised every operation with its main statuses', () => {
    const seen: Record<string, number[]> = {};
    // Sorted as text, the three-digit statuses of each operation come in order.
    for (const entry of [...checked].sort()) {
      const [method, path, status] = entry.split(' ');
      const operation = `${method} ${path}`;
      seen[operation] = [...(seen[operation] ?? []), Number(status)];
    }
    expect(Object.keys(seen).sort()).toEqual(operationsOf(document).sort());
    const grant = '/files/uploads/{grant}';
    expect(seen).toEqual({
      'GET /files': [200, 400, 401],
      'POST /files': [200, 400, 401],
      'GET /files/{id}': [200, 401, 404],
      'PATCH /files/{id}': [200, 400, 401, 404],
      'DELETE /files/{id}': [204, 401, 404],
      'GET /assets/{id}': [200, 206, 302, 304, 400, 401, 403, 404, 416],
      'HEAD /assets/{id}': [200, 401, 404],
      'POST /assets/{id}/sign': [200, 400, 401, 404],
      'POST /files/uploads': [200, 400, 401, 413],
      'POST /files/uploads/grants': [200, 400, 401],
      [`POST ${grant}/complete`]: [200, 400, 403, 404, 409],
      [`DELETE ${grant}`]: [204, 400, 403, 404, 409],
      [`POST ${grant}/s3/multipart`]: [200, 400, 403],
      [`GET ${grant}/s3/multipart/{uploadId}/{partNumber}`]: [200, 400, 403, 404],
      [`GET ${grant}/s3/multipart/{uploadId}`]: [200, 400, 403, 404],
      [`DELETE ${grant}/s3/multipart/{uploadId}`]: [200, 403, 404, 409],
      [`POST ${grant}/s3/multipart/{uploadId}/complete`]: [200, 400, 403, 404],
      [`GET ${grant}/s3/params`]: [400],
      'OPTIONS /files/tus': [204],
      'POST /files/tus': [201, 400, 401, 412, 413],
      'OPTIONS /files/tus/{id}': [204],
      'HEAD /files/tus/{id}': [200, 401, 404, 412],
      'PATCH /files/tus/{id}': [204, 400, 401, 403, 404, 409, 413, 460],
      'DELETE /files/tus/{id}': [204, 400, 401, 404],
      'POST /files/tus/{id}': [204, 400, 401, 404, 409],
      'GET /server/health': [200],
      'GET /server/info': [200, 401],
      'GET /server/metrics': [200, 401],
      'GET /server/specs/oas': [200],
    });
  });
});
