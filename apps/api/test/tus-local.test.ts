import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { tusUpload } from './helpers/tus.js';

let api: RunningApi;
let http: ReturnType<typeof client>;
beforeAll(async () => {
  api = await startApi({ FILES_MAX_UPLOAD_SIZE: String(4 * 1024 * 1024) });
  http = client(api.url, api.token);
});
afterAll(() => api?.close());

const tus = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  http.fetch(path, { ...init, headers: { 'tus-resumable': '1.0.0', ...init.headers } });

describe('TUS on the local location', () => {
  it('uploads in chunks into a file record', async () => {
    const content = bytes(2.5 * 1024 * 1024, 9);
    const { id } = await tusUpload(api.url, api.token, content, {
      metadata: { filename: 'movie.mp4', filetype: 'video/mp4', title: 'A movie' },
    });
    const { body } = await http.json(`/files/${id}`);
    expect(body.data).toMatchObject({
      id,
      storage: 'local',
      filename_download: 'movie.mp4',
      type: 'video/mp4',
      title: 'A movie',
      filesize: content.length,
      checksum: sha256(content),
      upload_status: 'ready',
    });
    expect(sha256((await http.download(id)).body)).toBe(sha256(content));
  });

  it('shows an unfinished upload as uploading, and serves no bytes for it', async () => {
    const created = await tus('/files/tus', { method: 'POST', headers: { 'upload-length': '100' } });
    expect(created.status).toBe(201);
    const id = created.headers.get('location')!.split('/').pop()!;
    expect(created.headers.get('location')).toBe(`${api.url}/files/tus/${id}`);
    const patch = await tus(`/files/tus/${id}`, {
      method: 'PATCH',
      headers: { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: bytes(40),
    });
    expect(patch.status).toBe(204);
    expect(patch.headers.get('upload-offset')).toBe('40');
    const { body } = await http.json(`/files/${id}`);
    expect(body.data).toMatchObject({ upload_status: 'uploading', filesize: null, upload_length: 100 });
    expect((await http.download(id)).status).toBe(404);
    const head = await tus(`/files/tus/${id}`, { method: 'HEAD' });
    expect(head.headers.get('upload-offset')).toBe('40');

    // Terminated: record and stored state both gone.
    expect((await tus(`/files/tus/${id}`, { method: 'DELETE' })).status).toBe(204);
    await expect.poll(async () => (await http.json(`/files/${id}`)).status).toBe(404);
  });

  it('answers malformed requests with the protocol statuses', async () => {
    const created = await tus('/files/tus', { method: 'POST', headers: { 'upload-length': '10' } });
    const path = new URL(created.headers.get('location')!).pathname;
    const patch = (headers: Record<string, string>) =>
      tus(path, { method: 'PATCH', headers, body: bytes(5) });
    expect(
      (await patch({ 'upload-offset': '3', 'content-type': 'application/offset+octet-stream' })).status,
    ).toBe(409);
    const wrongType = await patch({ 'upload-offset': '0', 'content-type': 'text/plain' });
    // @tus/server validates Content-Type with its other headers: 400, not the 415 the spec suggests.
    expect([wrongType.status, await wrongType.text()]).toEqual([400, 'Invalid content-type\n']);
    expect((await patch({ 'content-type': 'application/offset+octet-stream' })).status).toBe(403);
    expect((await http.fetch(path, { method: 'HEAD' })).status).toBe(412);
    expect((await tus('/files/tus', { method: 'POST', headers: { 'upload-length': 'ten' } })).status).toBe(
      400,
    );
    expect(
      (await tus('/files/tus', { method: 'POST', headers: { 'upload-length': String(5 * 1024 * 1024) } }))
        .status,
    ).toBe(413);
    expect(
      (
        await tus('/files/tus', {
          method: 'POST',
          headers: { 'upload-length': '1', 'upload-metadata': 'filename ***' },
        })
      ).status,
    ).toBe(400);
    expect((await tus('/files/tus/not-a-uuid', { method: 'HEAD' })).status).toBe(404);
    expect((await tus('/files/tus/00000000-0000-4000-8000-000000000000', { method: 'HEAD' })).status).toBe(
      404,
    );
  });

  it('creates nothing on a POST to an upload unless it carries PATCH or DELETE in X-HTTP-Method-Override', async () => {
    const created = await tus('/files/tus', { method: 'POST', headers: { 'upload-length': '10' } });
    const path = new URL(created.headers.get('location')!).pathname;
    const count = async () => (await http.json<{ data: FileJson[] }>('/files?limit=1000')).body.data.length;
    const before = await count();
    for (const override of [undefined, 'GET', 'POST']) {
      const response = await tus(path, {
        method: 'POST',
        headers: { 'upload-length': '20', ...(override && { 'x-http-method-override': override }) },
      });
      expect(response.status).toBe(400);
      const { errors } = (await response.json()) as { errors: { message: string }[] };
      expect(errors[0]!.message).toContain('X-HTTP-Method-Override: PATCH or DELETE');
    }
    expect(await count()).toBe(before);
    const terminated = await tus(path, { method: 'POST', headers: { 'x-http-method-override': 'DELETE' } });
    expect(terminated.status).toBe(204);
    await expect.poll(async () => (await http.json(path.replace('/tus', ''))).status).toBe(404);
  });

  it('takes the token as ?access_token= too, for the upload it creates', async () => {
    const query = `?access_token=${api.token}`;
    const anonymous = (path: string, init: RequestInit & { headers?: Record<string, string> }) =>
      fetch(`${api.url}${path}`, { ...init, headers: { 'tus-resumable': '1.0.0', ...init.headers } });
    const created = await anonymous(`/files/tus${query}`, {
      method: 'POST',
      headers: { 'upload-length': '4' },
    });
    expect(created.status).toBe(201);
    const path = new URL(created.headers.get('location')!).pathname;
    const appended = await anonymous(`${path}${query}`, {
      method: 'PATCH',
      headers: { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: 'abcd',
    });
    expect(appended.status).toBe(204);
    // The token is the same in the header.
    expect((await tus(path, { method: 'HEAD' })).headers.get('upload-offset')).toBe('4');
    expect((await http.download(path.split('/').pop()!)).body.toString()).toBe('abcd');
  });

  it('needs the token, and names an unknown location', async () => {
    const anonymous = await fetch(`${api.url}/files/tus`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '1' },
    });
    expect(anonymous.status).toBe(401);
    const unknown = await tus('/files/tus', {
      method: 'POST',
      headers: {
        'upload-length': '1',
        'upload-metadata': `storage ${Buffer.from('mars').toString('base64')}`,
      },
    });
    expect(unknown.status).toBe(400);
    const { errors } = (await unknown.json()) as { errors: { message: string }[] };
    expect(errors[0]!.message).toContain('"mars"');
  });

  it('allows browsers in, exposing the tus headers', async () => {
    const preflight = await fetch(`${api.url}/files/tus`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,tus-resumable,upload-length,upload-metadata',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Upload-Metadata/i);
    const created = await tus('/files/tus', {
      method: 'POST',
      headers: { origin: 'https://app.example', 'upload-length': '1' },
    });
    expect(created.headers.get('access-control-expose-headers')).toMatch(/Location/);
    expect(created.headers.get('access-control-expose-headers')).toMatch(/Upload-Offset/);
  });
});
