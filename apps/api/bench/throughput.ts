/**
 * Upload and download of one large file through the API (POST /files, GET /assets/:id)
 * and straight to the bucket (a direct multipart upload, a download redirected to a
 * presigned URL) on an S3 location, against the raw AWS SDK on the same RGW in the same
 * run, plus the peak RSS of the API process. Run: `pnpm --filter @stowage/api bench`
 * (BENCH_SIZE_MIB, default 1024; BENCH_ROUNDS, default 1).
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { get, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createTestBucket, ensureS3Server, rawS3Client, type S3ServerInfo } from '@stowage/test-s3-server';
import { s3LocationEnv } from '../test/helpers/s3-env.js';
import { directUpload, redirectLocation } from './direct-client.js';
import { peakRssMib, rotated, source, timed } from './legs.js';

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MIB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const TOKEN = randomBytes(24).toString('base64url');
const here = new URL('.', import.meta.url).pathname;

const sink = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

async function startApi(env: Record<string, string>): Promise<{ url: string; pid: number; stop(): void }> {
  // As `pnpm start` runs it (see the README: a small young generation frees streamed buffers sooner).
  const child = spawn(process.execPath, ['--max-semi-space-size=4', join(here, '../dist/main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const match = line.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
        if (match) resolve(match[1]!);
        // Warnings and errors of the API, for a failing run.
        if (/"level":[456]0/.test(line)) console.error(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`the API exited (${code}):\n${buffered}`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** The bare proxy (bench/bare-proxy.ts) in its own process, for the same bucket. */
async function startBareProxy(config: {
  server: S3ServerInfo;
  bucket: string;
}): Promise<{ url: string; stop(): void }> {
  const child = fork(join(here, 'bare-proxy.ts'), {
    env: { ...process.env, BARE_PROXY: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(message as number));
    child.once('exit', (code) => reject(new Error(`the bare proxy exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/** Reads the whole answer to a GET; resolves with its length. */
function download(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, async (response) => {
      let received = 0;
      for await (const chunk of response) received += (chunk as Buffer).length;
      resolve(received);
    }).on('error', reject);
  });
}

/** POST /files with a multipart body streamed from the source, its length known up front. */
function apiUpload(url: string, size: number): Promise<{ id: string; filename_disk: string }> {
  const boundary = `----bench${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + size + tail.length,
      },
    });
    req.on('error', reject);
    req.on('response', async (response) => {
      let body = '';
      for await (const chunk of response) body += chunk;
      if (response.statusCode !== 200)
        return reject(new Error(`upload answered ${response.statusCode}: ${body}`));
      resolve(JSON.parse(body).data);
    });
    req.write(head);
    const content = source(size);
    content.pipe(req, { end: false });
    content.on('end', () => req.end(tail));
  });
}

function deleteFile(url: string, id: string): Promise<unknown> {
  return new Promise((resolve) =>
    request(`${url}/files/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } })
      .on('response', resolve)
      .end(),
  );
}

async function main(): Promise<void> {
  const server = await ensureS3Server();
  if (!server) throw new Error('The S3 test server could not start');
  const client = rawS3Client(server);
  const { bucket, remove } = await createTestBucket(server, 'api-bench');
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-bench-'));
  const api = await startApi({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: TOKEN,
    LOG_LEVEL: 'info',
    FILES_MAX_UPLOAD_SIZE: String(SIZE * 2),
    STORAGE_LOCATIONS: 's3',
    ...s3LocationEnv('s3', server, bucket),
  });
  const proxy = await startBareProxy({ server, bucket });
  const rows: Record<string, string>[] = [];
  const rate = (seconds: number) => `${(SIZE / MIB / seconds).toFixed(0)} MiB/s`;
  const ratio = (reference: number, seconds: number) => (reference / seconds).toFixed(2);
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // Both sides send the same requests (8 MiB parts, 4 in flight: what the API's S3
      // location cuts for FILES_MAX_UPLOAD_SIZE), and both download the object the API
      // stored; the order of the legs rotates.
      const key = `raw-${round}.bin`;
      const rawUpload = () =>
        timed('rawUp', async () => {
          await new Upload({
            client,
            params: { Bucket: bucket, Key: key, Body: source(SIZE) },
            partSize: 8 * MIB,
            queueSize: 4,
          }).done();
        });
      let file = { id: '', filename_disk: '' };
      const viaApiUpload = () =>
        timed('apiUp', async () => {
          file = await apiUpload(api.url, SIZE);
        });
      let direct = { id: '', filename_disk: '', parts: 0, total: 0 };
      const directMultipartUpload = () =>
        timed('directUp', async () => {
          direct = await directUpload(api.url, TOKEN, SIZE);
        });
      const [rawUp, apiUp] = (await rotated(round, [rawUpload, viaApiUpload, directMultipartUpload])) as [
        number,
        number,
      ];
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      await deleteFile(api.url, direct.id);
      const rawDownload = () =>
        timed('rawDown', async () => {
          const { Body } = await client.send(
            new GetObjectCommand({ Bucket: bucket, Key: file.filename_disk }),
          );
          await pipeline(Body as Readable, sink());
        });
      const viaApiDownload = () =>
        timed('apiDown', async () => {
          const received = await download(`${api.url}/assets/${file.id}`, {
            authorization: `Bearer ${TOKEN}`,
          });
          if (received !== SIZE) throw new Error(`downloaded ${received} bytes of ${SIZE}`);
        });
      const viaBareProxyDownload = () =>
        timed('proxyDown', async () => {
          await download(`${proxy.url}/${encodeURIComponent(file.filename_disk)}`);
        });
      const viaRedirectDownload = () =>
        timed('redirectDown', async () => {
          const received = await download(await redirectLocation(api.url, file.id, TOKEN));
          if (received !== SIZE) throw new Error(`downloaded ${received} bytes of ${SIZE}`);
        });
      const [rawDown, apiDown, proxyDown, redirectDown] = (await rotated(round, [
        rawDownload,
        viaApiDownload,
        viaBareProxyDownload,
        viaRedirectDownload,
      ])) as [number, number, number, number];
      rows.push(
        {
          leg: `upload #${round}`,
          'raw SDK': rate(rawUp),
          API: rate(apiUp),
          'API / raw': ratio(rawUp, apiUp),
        },
        {
          leg: `direct multipart upload #${round}`,
          'raw SDK': rate(rawUp),
          API: rate(direct.total),
          'API / raw': ratio(rawUp, direct.total),
          'parts only / raw': ratio(rawUp, direct.parts),
        },
        {
          leg: `download #${round}`,
          'raw SDK': rate(rawDown),
          'bare proxy': rate(proxyDown),
          API: rate(apiDown),
          'API / raw': ratio(rawDown, apiDown),
          'API / bare proxy': ratio(proxyDown, apiDown),
        },
        {
          leg: `redirect download #${round}`,
          'raw SDK': rate(rawDown),
          API: rate(redirectDown),
          'API / raw': ratio(rawDown, redirectDown),
        },
      );
      await deleteFile(api.url, file.id);
    }
    const peak = await peakRssMib(api.pid);
    console.log(`\n${SIZE / MIB} MiB file, S3 location on RGW ${server.endpoint}`);
    console.table(rows);
    console.log(
      'bare proxy: node:http streaming GetObject in its own process, the floor of any hop in front of S3',
    );
    console.log(`API process peak RSS (VmHWM): ${peak.toFixed(0)} MiB (target < 256 MiB)`);
  } finally {
    api.stop();
    proxy.stop();
    await remove();
    client.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
