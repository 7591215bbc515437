/**
 * The bench's client of the API's direct paths: a download that follows the redirect
 * to the bucket, and an upload whose parts go straight to the bucket (8 MiB, 4 in
 * flight: the same requests as the raw lib-storage leg).
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

const MIB = 1024 * 1024;

function send(
  url: string,
  init: { method: string; headers?: Record<string, string | number>; body?: Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers }, async (response) => {
      let body = '';
      for await (const chunk of response) body += chunk;
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function json<T>(url: string, init: { method: string; token?: string; body?: unknown }): Promise<T> {
  const response = await send(url, {
    method: init.method,
    headers: {
      'content-type': 'application/json',
      ...(init.token && { authorization: `Bearer ${init.token}` }),
    },
    ...(init.body !== undefined && { body: Buffer.from(JSON.stringify(init.body)) }),
  });
  if (response.status !== 200)
    throw new Error(`${init.method} ${url} answered ${response.status}: ${response.body}`);
  return JSON.parse(response.body) as T;
}

/** The Location of `GET /assets/:id?redirect`, as a browser would follow it. */
export async function redirectLocation(apiUrl: string, id: string, token: string): Promise<string> {
  const response = await send(`${apiUrl}/assets/${id}?redirect`, {
    method: 'GET',
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 302) throw new Error(`expected a redirect, got ${response.status}`);
  return response.headers.location as string;
}

export interface DirectUploadTimes {
  id: string;
  filename_disk: string;
  /** Seconds until every part was in the bucket. */
  parts: number;
  /** Seconds until the record was ready (parts joined, SHA-256 read back). */
  total: number;
}

/** POST /files/uploads, each part signed by the upload's endpoint and PUT to the bucket, then completion. */
export async function directUpload(apiUrl: string, token: string, size: number): Promise<DirectUploadTimes> {
  const started = performance.now();
  const partSize = 8 * MIB;
  const block = randomBytes(MIB);
  const part = Buffer.concat(Array.from({ length: partSize / MIB }, () => block));
  const { data } = await json<{ data: { file: { id: string; filename_disk: string }; endpoint: string } }>(
    `${apiUrl}/files/uploads`,
    { method: 'POST', token, body: { filename: 'bench.bin', size, multipart: true } },
  );
  const { endpoint, file } = data;
  const count = Math.ceil(size / partSize);
  const etags: { part_number: number; etag: string }[] = [];
  let next = 1;
  const worker = async () => {
    for (let n = next++; n <= count; n = next++) {
      const { url } = await json<{ url: string }>(`${endpoint}/s3/multipart/${file.id}/${n}`, {
        method: 'GET',
      });
      const body = n < count ? part : part.subarray(0, size - (count - 1) * partSize);
      const put = await send(url, { method: 'PUT', headers: { 'content-length': body.length }, body });
      if (put.status !== 200) throw new Error(`part ${n} answered ${put.status}: ${put.body}`);
      etags.push({ part_number: n, etag: put.headers.etag as string });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const parts = (performance.now() - started) / 1000;
  await json(`${endpoint}/complete`, { method: 'POST', body: { parts: etags } });
  return { ...file, parts, total: (performance.now() - started) / 1000 };
}
