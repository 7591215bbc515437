import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiErrorJson, bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';

const MAX = 256 * 1024;
let api: RunningApi;
let http: ReturnType<typeof client>;

beforeAll(async () => {
  api = await startApi({ FILES_MAX_UPLOAD_SIZE: String(MAX), ASSETS_CACHE_CONTROL: 'private, max-age=60' });
  http = client(api.url, api.token);
});
afterAll(() => api?.close());

describe('files on a local location', () => {
  it('uploads, lists, reads, updates and deletes a file', async () => {
    const content = bytes(10_000);
    const file = await http.uploadOk(
      { title: 'A title' },
      { name: 'Report 2024.PDF', type: 'application/pdf', content },
    );
    expect(file).toMatchObject({
      storage: 'local',
      filename_download: 'Report 2024.PDF',
      filename_disk: `${file.id}.pdf`,
      title: 'A title',
      type: 'application/pdf',
      filesize: 10_000,
      checksum: sha256(content),
      upload_status: 'ready',
    });
    expect(file).not.toHaveProperty('upload_token_hash');

    const list = await http.json<{ data: FileJson[] }>('/files?filter[storage][_eq]=local&sort=-uploaded_on');
    expect(list.body.data.map((f) => f.id)).toContain(file.id);
    expect((await http.json(`/files/${file.id}`)).body.data.checksum).toBe(sha256(content));

    const download = await http.download(file.id);
    expect(download.status).toBe(200);
    expect(sha256(download.body)).toBe(sha256(content));
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-length')).toBe('10000');
    expect(download.headers.get('cache-control')).toBe('private, max-age=60');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(download.headers.get('content-disposition')).toBe(
      `inline; filename="Report 2024.PDF"; filename*=UTF-8''Report%202024.PDF`,
    );

    const patched = await http.patch(file.id, { title: 'New', filename_download: 'r.pdf' });
    expect(patched.body.data).toMatchObject({ title: 'New', filename_download: 'r.pdf' });

    expect((await http.fetch(`/files/${file.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await http.json(`/files/${file.id}`)).status).toBe(404);
    expect((await http.download(file.id)).status).toBe(404);
    expect((await http.fetch(`/files/${file.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('takes several files in one request, fields applying to the file after them', async () => {
    const { status, body } = await http.json<{ data: FileJson[] }>('/files', {
      method: 'POST',
      body: (() => {
        const form = new FormData();
        form.append('title', 'first');
        form.append('file', new Blob([bytes(100)]), 'a.txt');
        form.append('file', new Blob([bytes(200)]), 'b.txt');
        return form;
      })(),
    });
    expect(status).toBe(200);
    expect(body.data.map((f) => [f.title, f.filesize])).toEqual([
      ['first', 100],
      ['b.txt', 200],
    ]);
  });

  it('paginates and filters the list', async () => {
    const type = 'text/x-paging';
    for (let i = 0; i < 3; i++) await http.uploadOk({}, { name: `p${i}.txt`, type, content: bytes(10, i) });
    const page = (query: string) =>
      http.json<{ data: FileJson[] }>(
        `/files?filter[type][_eq]=${encodeURIComponent(type)}&sort=filename_download&${query}`,
      );
    expect((await page('limit=2')).body.data.map((f) => f.filename_download)).toEqual(['p0.txt', 'p1.txt']);
    expect((await page('limit=2&offset=2')).body.data.map((f) => f.filename_download)).toEqual(['p2.txt']);
    const json = await http.json<{ data: FileJson[] }>(
      `/files?filter=${encodeURIComponent(JSON.stringify({ type: { _starts_with: 'text/x-pag' } }))}`,
    );
    expect(json.body.data).toHaveLength(3);
    expect((await http.json('/files?sort=checksum')).status).toBe(400);
    expect((await http.json('/files?filter[filename_disk][_eq]=x')).status).toBe(400);
    expect((await http.json('/files?limit=-1')).status).toBe(400);
  });
});

describe('ranges and conditional requests', () => {
  const content = bytes(1000, 3);
  let file: FileJson;
  beforeAll(async () => {
    file = await http.uploadOk({}, { name: 'r.bin', content });
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=-10', 990, 999],
    ['bytes=990-5000', 990, 999],
  ])('%s → 206', async (range, start, end) => {
    const response = await http.download(file.id, { range });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`);
    expect(response.body.equals(content.subarray(start, end + 1))).toBe(true);
  });

  it('answers 416 with the size for a range past the end', async () => {
    const response = await http.download(file.id, { range: 'bytes=1000-' });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */1000');
  });

  it('serves the whole file for ranges it does not offer', async () => {
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=5-1']) {
      expect((await http.download(file.id, { range })).status).toBe(200);
    }
  });

  it('answers 304 to a current ETag or date, and honours If-Range', async () => {
    const first = await http.download(file.id);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toBe(`"${sha256(content)}"`);
    expect((await http.download(file.id, { 'if-none-match': etag })).status).toBe(304);
    expect((await http.download(file.id, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await http.download(file.id, { 'if-none-match': '"other"' })).status).toBe(200);
    expect((await http.download(file.id, { 'if-modified-since': lastModified })).status).toBe(304);
    expect(
      (await http.download(file.id, { 'if-modified-since': 'Thu, 01 Jan 2015 00:00:00 GMT' })).status,
    ).toBe(200);
    expect((await http.download(file.id, { range: 'bytes=0-9', 'if-range': etag })).status).toBe(206);
    expect((await http.download(file.id, { range: 'bytes=0-9', 'if-range': '"stale"' })).status).toBe(200);
    expect((await http.download(file.id, { range: 'bytes=0-9', 'if-range': lastModified })).status).toBe(206);
  });

  it('answers HEAD with the headers only', async () => {
    const response = await http.fetch(`/assets/${file.id}`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('1000');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('offers the download as an attachment with an encoded name', async () => {
    const named = await http.uploadOk({ filename_download: 'Ünïcode "quoted".txt' }, { content: bytes(5) });
    const response = await http.download(`${named.id}?download`);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="_n_code _quoted_.txt"; filename*=UTF-8''%C3%9Cn%C3%AFcode%20%22quoted%22.txt`,
    );
  });
});

describe('bad input', () => {
  const code = (body: unknown) => (body as { errors: ApiErrorJson[] }).errors[0]!.extensions.code;

  it('asks for the token on every route but health', async () => {
    const anonymous = client(api.url, 'wrong-token');
    const paths = [
      '/files',
      '/files/00000000-0000-4000-8000-000000000000',
      '/assets/00000000-0000-4000-8000-000000000000',
      '/server/info',
    ];
    for (const path of paths) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status, path).toBe(401);
      expect(code(await response.json())).toBe('INVALID_CREDENTIALS');
      expect((await anonymous.fetch(path)).status, path).toBe(401);
    }
    expect((await anonymous.upload({}, { content: bytes(10) })).status).toBe(401);
    expect((await fetch(`${api.url}/server/health`)).status).toBe(200);
  });

  it('refuses a file past the maximum size and keeps nothing of it', async () => {
    const before = (await http.json<{ data: FileJson[] }>('/files?limit=1000')).body.data.length;
    const response = await http.upload({}, { name: 'big.bin', content: bytes(MAX + 1) });
    expect(response.status).toBe(413);
    expect(code(response.body)).toBe('CONTENT_TOO_LARGE');
    // Even the file before it in the same request is removed again.
    const two = await http.json('/files', {
      method: 'POST',
      body: (() => {
        const form = new FormData();
        form.append('file', new Blob([bytes(10)]), 'small.bin');
        form.append('file', new Blob([bytes(MAX * 2)]), 'big.bin');
        return form;
      })(),
    });
    expect(two.status).toBe(413);
    expect((await http.json<{ data: FileJson[] }>('/files?limit=1000')).body.data.length).toBe(before);
    const { readdir } = await import('node:fs/promises');
    const stored = await readdir(`${api.dataDir}/uploads`);
    const records = (await http.json<{ data: FileJson[] }>('/files?limit=1000')).body.data.map(
      (f) => f.filename_disk,
    );
    expect(stored.filter((name) => !name.startsWith('.')).sort()).toEqual(records.sort());
  });

  it('accepts exactly the maximum size', async () => {
    expect((await http.upload({}, { content: bytes(MAX) })).status).toBe(200);
  });

  it('names an unknown location', async () => {
    const response = await http.upload({ storage: 'nowhere' }, { content: bytes(10) });
    expect(response.status).toBe(400);
    expect(response.body.errors[0]!.message).toContain('"nowhere"');
    const file = await http.uploadOk({}, { content: bytes(10) });
    const patch = await http.patch(file.id, { storage: 'elsewhere' });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0]!.message).toContain('"elsewhere"');
  });

  it('treats hostile ids as missing files', async () => {
    for (const id of [
      'not-a-uuid',
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      '00000000-0000-4000-8000-000000000000',
      'a'.repeat(5000),
    ]) {
      for (const path of [`/files/${id}`, `/assets/${id}`]) {
        const response = await http.fetch(path);
        // A very long id is refused by the router as 414 URI Too Long.
        expect([404, 414], path).toContain(response.status);
        const body = await response.text();
        expect(body).not.toContain(' at ');
      }
    }
  });

  it('keeps traversal and header injection out of names', async () => {
    const file = await http.uploadOk(
      { filename_download: '../../etc/passwd\r\nX-Injected: 1' },
      { name: '../../x.sh', content: bytes(10) },
    );
    expect(file.filename_download).toBe('.._.._etc_passwdX-Injected: 1');
    expect(file.filename_disk).toBe(file.id);
    const response = await http.download(file.id);
    expect(response.headers.get('x-injected')).toBeNull();
    const viaExtension = await http.uploadOk({}, { name: 'a.p/../../hp', content: bytes(1) });
    expect(viaExtension.filename_disk).toBe(viaExtension.id);
  });

  it('refuses malformed bodies and queries with 400', async () => {
    const file = await http.uploadOk({}, { content: bytes(10) });
    expect((await http.patch(file.id, { filesize: 1 })).status).toBe(400);
    expect((await http.patch(file.id, { type: 'not a type' })).status).toBe(400);
    const broken = await http.json(`/files/${file.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"title":',
    });
    expect(broken.status).toBe(400);
    expect(
      (await http.json('/files', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }))
        .status,
    ).toBe(400);
    expect((await http.json('/files', { method: 'POST', body: new FormData() })).status).toBe(400);
  });

  it('answers malformed and cut-short multipart bodies with 400, stores nothing and stays up', async () => {
    const before = (await http.json<{ data: FileJson[] }>('/files')).body.data.length;
    const multipart = (body: string, contentType = 'multipart/form-data; boundary=xyz') =>
      http.json('/files', { method: 'POST', body, headers: { 'content-type': contentType } });
    const cutShort = await multipart(
      '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc',
    );
    expect(cutShort.status).toBe(400);
    expect(cutShort.body.errors[0]!.message).toMatch(/^Malformed multipart body: /);
    expect((await multipart('abc', 'multipart/form-data')).status).toBe(400);
    expect((await http.json<{ data: FileJson[] }>('/files')).body.data).toHaveLength(before);
  });
});
