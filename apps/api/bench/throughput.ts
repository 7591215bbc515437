/**
 * Upload and download of one large file through the API (POST /files, GET /assets/:id)
 * and straight to the bucket (a direct multipart upload, a download redirected to a
 * presigned URL) on an S3 location, against the raw AWS SDK on the same RGW in the same
 * run, plus the peak RSS of the API process. Run: `pnpm --filter @stowage/api bench`
 * (BENCH_SIZE_MIB, default 1024; BENCH_ROUNDS, default 1).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { get, request } from 'node:http';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { directUpload, redirectLocation } from './direct-client.js';
import { benchSetUp, MIB, peakRssMib, rotated, source, startApi, startHelper, timed } from './harness.js';

const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MIB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const TOKEN = randomBytes(24).toString('base64url');

const sink = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

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
  const setUp = await benchSetUp('api-bench', { token: TOKEN, maxUploadSize: SIZE * 2 });
  const { server, client, bucket } = setUp;
  const api = await startApi(setUp.apiEnv);
  const proxy = await startHelper('bare-proxy.ts', { BARE_PROXY: JSON.stringify({ server, bucket }) });
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
    await setUp.tearDown();
  }
}

await main();
