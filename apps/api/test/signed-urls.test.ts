import { createTestBucket } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiErrorJson, bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';

const server = inject('s3Server');

type Signed = { data: { url: string; expires: string }; errors: ApiErrorJson[] };

describe.skipIf(!server)('signed asset URLs', () => {
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  let bucket: { bucket: string; remove(): Promise<void> };
  const files: Record<'local' | 's3', { file: FileJson; content: Buffer }> = {} as never;

  beforeAll(async () => {
    bucket = await createTestBucket(server!, 'api-signed');
    api = await startApi({ STORAGE_LOCATIONS: 'local,s3', ...s3LocationEnv('s3', server!, bucket.bucket) });
    http = client(api.url, api.token);
    for (const storage of ['local', 's3'] as const) {
      const content = bytes(50_000, storage.length);
      files[storage] = {
        file: await http.uploadOk({ storage }, { name: 'photo.jpg', type: 'image/jpeg', content }),
        content,
      };
    }
  });
  afterAll(async () => {
    await api?.close();
    await bucket?.remove();
  });

  const sign = (id: string, body: Record<string, unknown> = {}) =>
    http.json<Signed>(`/assets/${id}/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** As a browser's <img> fetches it: no token. */
  const open = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers, redirect: 'manual' });
    return {
      status: response.status,
      headers: response.headers,
      body: Buffer.from(await response.arrayBuffer()),
    };
  };

  it.each(['local', 's3'] as const)('serve a %s file without a token until they expire', async (storage) => {
    const { file, content } = files[storage];
    const before = Date.now();
    const { status, body } = await sign(file.id);
    expect(status).toBe(200);
    expect(body.data.url).toMatch(
      new RegExp(`^${api.url}/assets/${file.id}\\?expires=\\d+&signature=[\\w-]{43}$`),
    );
    // ASSETS_SIGNED_URL_TTL: an hour.
    expect(Date.parse(body.data.expires) - before).toBeGreaterThan(3_590_000);
    const whole = await open(body.data.url);
    expect(whole.status).toBe(200);
    expect(sha256(whole.body)).toBe(sha256(content));
    expect(whole.headers.get('content-disposition')).toContain('inline; filename="photo.jpg"');
    expect(whole.headers.get('etag')).toBe(`"${sha256(content)}"`);
    const range = await open(body.data.url, { range: 'bytes=100-199' });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 100-199/${content.length}`);
    expect(range.body.equals(content.subarray(100, 200))).toBe(true);
    expect((await open(body.data.url, { 'if-none-match': whole.headers.get('etag')! })).status).toBe(304);
  });

  it('keep the download flag and take a lifetime of their own', async () => {
    const { file } = files.s3;
    const { body } = await sign(file.id, { expires_in: 60, download: true });
    expect(Date.parse(body.data.expires) - Date.now()).toBeLessThanOrEqual(60_000);
    const response = await open(body.data.url);
    expect(response.headers.get('content-disposition')).toContain('attachment; filename="photo.jpg"');
    expect((await sign(file.id, { expires_in: 8 * 24 * 3600 })).status).toBe(400);
    expect((await sign(file.id, { expires_in: 'soon' })).status).toBe(400);
  });

  it('refuse an expired, a tampered and another file’s signature', async () => {
    const { file } = files.s3;
    const url = new URL((await sign(file.id)).body.data.url);
    const refused = async (changed: URL, code: string) => {
      const response = await open(changed.href);
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body.toString()).errors[0].extensions.code).toBe(code);
    };
    // Expired: signed for a past time (the key is the test's, so sign as the server would).
    const { UrlSigner } = await import('../src/http/url-signer.js');
    const { readFile } = await import('node:fs/promises');
    const key = (await readFile(`${api.dataDir}/assets-signing-key`, 'utf8')).trim();
    const past = Math.floor(Date.now() / 1000) - 1;
    const expired = new URL(url);
    expired.searchParams.set('expires', String(past));
    expired.searchParams.set('signature', new UrlSigner(key).sign('asset', file.id, past));
    await refused(expired, 'TOKEN_EXPIRED');

    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    await refused(later, 'FORBIDDEN');
    const flipped = new URL(url);
    const signature = url.searchParams.get('signature')!;
    flipped.searchParams.set('signature', `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`);
    await refused(flipped, 'FORBIDDEN');
    const otherFile = new URL(url.href.replace(file.id, files.local.file.id));
    await refused(otherFile, 'FORBIDDEN');
    const half = new URL(url);
    half.searchParams.delete('signature');
    expect((await open(half.href)).status).toBe(400);
    // A wrong signature is refused even beside a valid token: the URL itself is wrong.
    expect((await http.download(`${file.id}?${flipped.searchParams}`)).status).toBe(403);
  });

  it('are only made with a token, for files that exist', async () => {
    const response = await fetch(`${api.url}/assets/${files.s3.file.id}/sign`, { method: 'POST' });
    expect(response.status).toBe(401);
    expect((await sign('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('also accept ?access_token=, as Directus does', async () => {
    const { file, content } = files.local;
    const withToken = await open(`${api.url}/assets/${file.id}?access_token=${api.token}`);
    expect(withToken.status).toBe(200);
    expect(sha256(withToken.body)).toBe(sha256(content));
    expect((await open(`${api.url}/assets/${file.id}?access_token=wrong-token-0123456789`)).status).toBe(401);
    expect((await open(`${api.url}/assets/${file.id}`)).status).toBe(401);
  });
});
