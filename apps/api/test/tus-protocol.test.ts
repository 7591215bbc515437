import { createHash } from 'node:crypto';
import { request } from 'node:http';
import type { S3TusDriver } from '@stowage/storage-driver-s3-tus';
import { createTestBucket } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiErrorJson, bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';
import { tusUpload } from './helpers/tus.js';

const server = inject('s3Server');
type ErrorBody = { errors: ApiErrorJson[] };
const MIB = 1024 * 1024;

/** The answer a client gets to a PATCH it keeps sending the whole body of: a status, or the socket error. */
function patchOutcome(url: string, token: string, offset: number, body: Buffer): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${token}`,
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(body.length),
      },
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end(body);
  });
}

describe.skipIf(!server)('the TUS protocol through the API, on S3 and local disk', () => {
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  let bucket: Awaited<ReturnType<typeof createTestBucket>>;
  let getObjects = 0;
  beforeAll(async () => {
    bucket = await createTestBucket(server!, 'api-tus-protocol');
    api = await startApi({
      STORAGE_LOCATIONS: 'local,s3',
      ...s3LocationEnv('s3', server!, bucket.bucket),
      FILES_MAX_UPLOAD_SIZE: '64mb',
    });
    http = client(api.url, api.token);
    // Every GetObject the API sends to the S3 location, to prove completion reads nothing back.
    (api.storage.location('s3') as S3TusDriver).client.middlewareStack.add(
      (next, context) => async (args) => {
        if (
          context.commandName === 'GetObjectCommand' &&
          !String((args.input as { Key?: string }).Key).includes('.stowage/')
        )
          getObjects++;
        return next(args);
      },
      { step: 'initialize', name: 'countGetObjects' },
    );
  });
  afterAll(async () => {
    await api?.close();
    await bucket?.remove();
  });

  const tus = (path: string, init: RequestInit = {}) =>
    fetch(`${api.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${api.token}`,
        'tus-resumable': '1.0.0',
        ...(init.headers as object),
      },
    });
  const create = async (storage: string, length: number) => {
    const response = await tus('/files/tus', {
      method: 'POST',
      headers: {
        'upload-length': String(length),
        'upload-metadata': `storage ${Buffer.from(storage).toString('base64')}`,
      },
    });
    expect(response.status).toBe(201);
    return new URL(response.headers.get('location')!).pathname;
  };

  it('answers discovery (OPTIONS) with or without a token', async () => {
    for (const headers of [{}, { authorization: `Bearer ${api.token}` }]) {
      const response = await fetch(`${api.url}/files/tus`, { method: 'OPTIONS', headers });
      expect(response.status).toBe(204);
      expect(response.headers.get('tus-version')).toBe('1.0.0');
      expect(response.headers.get('tus-max-size')).toBe(String(64 * MIB));
      expect(response.headers.get('tus-extension')?.split(',')).toEqual(
        expect.arrayContaining([
          'creation',
          'creation-with-upload',
          'termination',
          'checksum',
          'concatenation',
        ]),
      );
      expect(response.headers.get('tus-checksum-algorithm')).toBe('sha1,md5,sha256');
    }
    const preflight = await fetch(`${api.url}/files/tus/some-id`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'PATCH' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Upload-Checksum/i);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });

  it.each(['local', 's3'])(
    'takes PATCH as POST with X-HTTP-Method-Override (tus-js-client overridePatchMethod) on %s',
    async (storage) => {
      const content = bytes(3 * MIB + 5, 21);
      const { id } = await tusUpload(api.url, api.token, content, {
        overridePatchMethod: true,
        metadata: { storage, filename: 'override.bin' },
      });
      const download = await http.download(id);
      expect(sha256(download.body)).toBe(sha256(content));
    },
  );

  it('puts Tus-Resumable on the API’s own answers too', async () => {
    const unknown = await tus('/files/tus/0b6b7c8e-0f2e-4b8f-9d5e-3f1f6c1d2e3a', { method: 'HEAD' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('tus-resumable')).toBe('1.0.0');
    const anonymous = await fetch(`${api.url}/files/tus`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0' },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('tus-resumable')).toBe('1.0.0');
    expect(((await anonymous.json()) as ErrorBody).errors[0]!.extensions.code).toBe('INVALID_CREDENTIALS');
  });

  it('answers a Tus-Resumable it does not speak with 412 and Tus-Version', async () => {
    const response = await tus('/files/tus', {
      method: 'POST',
      headers: { 'tus-resumable': '0.2.0', 'upload-length': '1' },
    });
    expect(response.status).toBe(412);
    expect(response.headers.get('tus-version')).toBe('1.0.0');
  });

  it('answers an empty PATCH at the end of a finished local upload with its offset', async () => {
    const path = await create('local', 4);
    const headers = { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' };
    expect((await tus(path, { method: 'PATCH', headers, body: 'abcd' })).status).toBe(204);
    const again = await tus(path, {
      method: 'PATCH',
      headers: { ...headers, 'upload-offset': '4' },
      body: '',
    });
    expect(again.status).toBe(204);
    expect(again.headers.get('upload-offset')).toBe('4');
  });

  it('delivers the 413 of a too-large PATCH every time, never a broken pipe (50 tries)', async () => {
    const path = await create('s3', MIB);
    const outcomes = new Map<number | string, number>();
    for (let i = 0; i < 50; i++) {
      const outcome = await patchOutcome(`${api.url}${path}`, api.token, 0, Buffer.alloc(8 * MIB, i));
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ 413: 50 });
    // Nothing of the refused bodies counts.
    expect((await tus(path, { method: 'HEAD' })).headers.get('upload-offset')).toBe('0');
  });

  it.each(['local', 's3'])(
    'checks Upload-Checksum on %s: 460 keeps nothing, a match completes with the SHA-256',
    async (storage) => {
      const content = bytes(2 * 5 * MIB, 22);
      const path = await create(storage, content.length);
      const half = content.subarray(0, 5 * MIB);
      const patch = (offset: number, body: Buffer, checksum: string) =>
        tus(path, {
          method: 'PATCH',
          headers: {
            'upload-offset': String(offset),
            'content-type': 'application/offset+octet-stream',
            'upload-checksum': checksum,
          },
          body,
        });
      const digestOf = (algorithm: string, body: Buffer) =>
        `${algorithm} ${createHash(algorithm).update(body).digest('base64')}`;
      expect((await patch(0, half, digestOf('sha1', Buffer.from('x')))).status).toBe(460);
      expect((await tus(path, { method: 'HEAD' })).headers.get('upload-offset')).toBe('0');
      expect((await patch(0, half, 'crc32 AAAA')).status).toBe(400);
      expect((await patch(0, half, digestOf('sha1', half))).status).toBe(204);
      const rest = content.subarray(5 * MIB);
      expect((await patch(5 * MIB, rest, digestOf('md5', rest))).status).toBe(204);
      const id = path.split('/').pop()!;
      const record = await http.json<{ data: FileJson }>(`/files/${id}`);
      expect(record.body.data).toMatchObject({
        upload_status: 'ready',
        filesize: content.length,
        checksum: sha256(content),
      });
    },
  );

  it('completes an S3 upload with its SHA-256 and no GetObject of the file', async () => {
    const content = bytes(12 * MIB + 77, 23);
    getObjects = 0;
    const { id } = await tusUpload(api.url, api.token, content, {
      chunkSize: 5 * MIB,
      metadata: { storage: 's3' },
    });
    expect(getObjects).toBe(0);
    const record = await http.json<{ data: FileJson }>(`/files/${id}`);
    expect(record.body.data.checksum).toBe(sha256(content));
  });

  it.each(['local', 's3'])(
    'joins tus-js-client parallelUploads: 4 on %s into a byte-exact file with its SHA-256',
    async (storage) => {
      const content = bytes(4 * 5 * MIB + 999, 24);
      const { id } = await tusUpload(api.url, api.token, content, {
        parallelUploads: 4,
        chunkSize: 5 * MIB,
        metadata: { storage, filename: 'parallel.bin' },
        metadataForPartialUploads: { storage },
      });
      expect(sha256((await http.download(id)).body)).toBe(sha256(content));
      let record = (await http.json<{ data: FileJson }>(`/files/${id}`)).body.data;
      expect(record).toMatchObject({
        upload_status: 'ready',
        filesize: content.length,
        filename_download: 'parallel.bin',
      });
      // A concatenation's checksum is computed once the client was answered.
      for (let waited = 0; record.checksum === null && waited < 10_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        record = (await http.json<{ data: FileJson }>(`/files/${id}`)).body.data;
      }
      expect(record.checksum).toBe(sha256(content));
      // The partials were no files: the listing holds the final upload only.
      const listed = await http.json<{ data: FileJson[] }>(
        `/files?filter[storage][_eq]=${storage}&limit=1000`,
      );
      expect(
        listed.body.data.filter((file) => file.filename_download === 'parallel.bin').map((f) => f.id),
      ).toEqual([id]);
    },
  );

  it('refuses a final upload over partials of another location, naming the fix', async () => {
    const partial = await tus('/files/tus', {
      method: 'POST',
      headers: { 'upload-length': '1', 'upload-concat': 'partial' },
    });
    const partialPath = new URL(partial.headers.get('location')!).pathname;
    const final = await tus('/files/tus', {
      method: 'POST',
      headers: {
        'upload-concat': `final;${partialPath}`,
        'upload-metadata': `storage ${Buffer.from('s3').toString('base64')}`,
      },
    });
    expect(final.status).toBe(400);
    expect(((await final.json()) as ErrorBody).errors[0]!.message).toMatch(/metadataForPartialUploads/);
  });
});
