import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, client } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';

let api: RunningApi;
let http: ReturnType<typeof client>;
beforeAll(async () => {
  api = await startApi({ TUS_CONCURRENT_WRITES: '1' });
  http = client(api.url, api.token);
});
afterAll(() => api?.close());

const tus = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  http.fetch(path, { ...init, headers: { 'tus-resumable': '1.0.0', ...init.headers } });

async function create(length: number): Promise<string> {
  const created = await tus('/files/tus', { method: 'POST', headers: { 'upload-length': String(length) } });
  expect(created.status).toBe(201);
  return new URL(created.headers.get('location')!).pathname;
}

const offsetOf = async (path: string) => (await tus(path, { method: 'HEAD' })).headers.get('upload-offset');

/** A PATCH whose body is sent in two halves, the second when `finish` is called. */
function slowPatch(path: string, body: Buffer) {
  const req = request(`${api.url}${path}`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${api.token}`,
      'tus-resumable': '1.0.0',
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
      'content-length': body.length,
    },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, body.length / 2));
  return { status, finish: () => req.end(body.subarray(body.length / 2)), abort: () => req.destroy() };
}

describe('TUS_CONCURRENT_WRITES', () => {
  it('holds further PATCH bodies unread until a write slot is free; HEAD does not wait', async () => {
    const first = await create(64 * 1024);
    const second = await create(1000);
    const slow = slowPatch(first, bytes(64 * 1024, 1));
    await sleep(200);
    const waiting = tus(second, {
      method: 'PATCH',
      headers: { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: bytes(1000, 2),
    });
    await sleep(300);
    // Its whole body was sent, but none of it was taken: the only slot is the slow PATCH's.
    expect(await offsetOf(second)).toBe('0');
    slow.finish();
    expect(await slow.status).toBe(204);
    expect((await waiting).status).toBe(204);
    expect(await offsetOf(second)).toBe('1000');
    expect(await offsetOf(first)).toBe(String(64 * 1024));
  });

  it('lets the next request in when a waiting client goes away', async () => {
    const first = await create(64 * 1024);
    const gone = await create(1000);
    const third = await create(10);
    const slow = slowPatch(first, bytes(64 * 1024, 3));
    await sleep(200);
    const leaving = slowPatch(gone, bytes(1000, 4));
    await sleep(200);
    leaving.abort();
    await leaving.status.catch(() => {});
    slow.finish();
    expect(await slow.status).toBe(204);
    const next = await tus(third, {
      method: 'PATCH',
      headers: { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: bytes(10, 5),
    });
    expect(next.status).toBe(204);
    expect(await offsetOf(gone)).toBe('0');
  });
});
