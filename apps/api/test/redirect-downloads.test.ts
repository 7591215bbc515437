import { createTestBucket } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';

const server = inject('s3Server');

describe.skipIf(!server)('downloads redirected to presigned URLs', () => {
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  let bucket: { bucket: string; remove(): Promise<void> };
  const content = bytes(200_000, 11);
  let direct: FileJson;
  let proxied: FileJson;
  let local: FileJson;

  beforeAll(async () => {
    bucket = await createTestBucket(server!, 'api-redirect');
    api = await startApi({
      STORAGE_LOCATIONS: 'local,direct,proxied',
      ...s3LocationEnv('direct', server!, bucket.bucket, { ROOT: 'direct', ASSETS__MODE: 'redirect' }),
      ...s3LocationEnv('proxied', server!, bucket.bucket, { ROOT: 'proxied' }),
    });
    http = client(api.url, api.token);
    const name = 'Quarterly report é.pdf';
    direct = await http.uploadOk({ storage: 'direct' }, { name, type: 'application/pdf', content });
    proxied = await http.uploadOk({ storage: 'proxied' }, { name, type: 'application/pdf', content });
    local = await http.uploadOk({ storage: 'local' }, { name, type: 'application/pdf', content });
  });
  afterAll(async () => {
    await api?.close();
    await bucket?.remove();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    http.fetch(path, { headers, redirect: 'manual' });

  it('answers 302 to the backend, whose answer keeps the name and type', async () => {
    const response = await get(`/assets/${direct.id}`);
    expect(response.status).toBe(302);
    const location = response.headers.get('location')!;
    expect(location.startsWith(`${server!.endpoint}/${bucket.bucket}/direct/`)).toBe(true);
    const maxAge = Number(response.headers.get('cache-control')!.match(/^private, max-age=(\d+)$/)![1]);
    // ASSETS_REDIRECT_TTL 5 min: reusable for 2 to 4.5 minutes, never past the URL's expiry.
    expect(maxAge).toBeGreaterThanOrEqual(120);
    expect(maxAge).toBeLessThanOrEqual(270);
    const backend = await fetch(location);
    expect(backend.status).toBe(200);
    expect(backend.headers.get('content-type')).toBe('application/pdf');
    expect(backend.headers.get('content-disposition')).toBe(
      `inline; filename="Quarterly report _.pdf"; filename*=UTF-8''Quarterly%20report%20%C3%A9.pdf`,
    );
    expect(sha256(Buffer.from(await backend.arrayBuffer()))).toBe(sha256(content));

    const download = await get(`/assets/${direct.id}?download`);
    const attachment = await fetch(download.headers.get('location')!);
    await attachment.arrayBuffer();
    expect(attachment.headers.get('content-disposition')).toMatch(/^attachment; filename="Quarterly/);
    // Requests in the same window get the same URL: what a browser fetched through it stays reusable.
    expect((await get(`/assets/${direct.id}`)).headers.get('location')).toBe(location);
  });

  it('serves ranges from the backend through the redirect', async () => {
    const response = await get(`/assets/${direct.id}`, { range: 'bytes=1000-1999' });
    expect(response.status).toBe(302);
    const backend = await fetch(response.headers.get('location')!, { headers: { range: 'bytes=1000-1999' } });
    expect(backend.status).toBe(206);
    expect(Buffer.from(await backend.arrayBuffer()).equals(content.subarray(1000, 2000))).toBe(true);
  });

  it('checks the token before redirecting, and answers conditional requests and HEAD itself', async () => {
    const anonymous = await fetch(`${api.url}/assets/${direct.id}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('location')).toBeNull();
    const etag = `"${sha256(content)}"`;
    const notModified = await get(`/assets/${direct.id}`, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    const head = await http.fetch(`/assets/${direct.id}`, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(content.length));
  });

  it('is asked for with ?redirect on a proxy location, and refused with ?redirect=false', async () => {
    expect((await get(`/assets/${proxied.id}`)).status).toBe(200);
    const redirected = await get(`/assets/${proxied.id}?redirect`);
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get('location')).toContain('/proxied/');
    const streamed = await get(`/assets/${direct.id}?redirect=false`);
    expect(streamed.status).toBe(200);
    expect(sha256(Buffer.from(await streamed.arrayBuffer()))).toBe(sha256(content));
    expect((await get(`/assets/${direct.id}?redirect=maybe`)).status).toBe(400);
  });

  it('serves a local file itself: the disk has no URL to send the client to', async () => {
    const response = await get(`/assets/${local.id}?redirect`);
    expect(response.status).toBe(200);
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(content));
  });

  it('says in /server/info how each location serves and takes files', async () => {
    const info = await http.json<{ data: { locations: Record<string, unknown>[] } }>('/server/info');
    expect(
      info.body.data.locations.map(({ name, assets_mode, direct_uploads }) => [
        name,
        assets_mode,
        direct_uploads,
      ]),
    ).toEqual([
      ['local', 'proxy', false],
      ['direct', 'redirect', true],
      ['proxied', 'proxy', true],
    ]);
  });
});
