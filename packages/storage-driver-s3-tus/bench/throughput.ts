// pnpm --filter @stowage/storage-driver-s3-tus bench
// Uploads one file with tus-js-client through @tus/server (in a child process) with this
// store and with @tus/s3-store, and with a raw lib-storage Upload as the ceiling, to the
// project's RGW. Prints MiB/s, S3 requests per upload and the server's peak RSS.
// Every object is deleted after its run, but RGW frees the space only after its garbage
// collection: the RGW needs about 3 GiB free while this runs.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload as LibStorageUpload } from '@aws-sdk/lib-storage';
import { ensureS3Server, rawS3Client } from '@stowage/test-s3-server';
import { Upload } from 'tus-js-client';
import { type ServerProcessConfig, startServerProcess } from '../support/server-process.js';

const MiB = 1024 ** 2;
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MiB;
const RSS_SIZE = Number(process.env.BENCH_RSS_SIZE_MIB ?? 2048) * MiB;
const PART_SIZE = 5 * MiB;
const file = `/tmp/stowage-tus-bench-${process.pid}.bin`;

const server = await ensureS3Server();
if (!server) throw new Error('The S3 test server could not start');
const raw = rawS3Client(server);
const bucket = `tus-bench-${process.pid}`;
await raw.send(new CreateBucketCommand({ Bucket: bucket }));

async function writeTestFile(size: number): Promise<void> {
  // 64 MiB of random bytes, repeated: incompressible, cheap to make.
  const block = randomBytes(64 * MiB);
  const out = createWriteStream(file);
  for (let written = 0; written < size; written += block.length) {
    if (!out.write(block.subarray(0, Math.min(block.length, size - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function tusUpload(endpoint: string, size: number, chunkSize: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(createReadStream(file), {
      endpoint,
      chunkSize,
      uploadSize: size,
      retryDelays: [],
      onSuccess: () => resolve(),
      onError: reject,
    });
    upload.start();
  });
}

async function emptyBucket(client: S3Client): Promise<void> {
  for (const upload of (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ??
    []) {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }),
    );
  }
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    if (!page.Contents?.length) return;
    await Promise.all(
      page.Contents.map(({ Key }) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key }))),
    );
  }
}

interface Result {
  name: string;
  mibPerSecond: number;
  requests?: number;
  parts: number;
  peakRssMiB?: number;
  /** After start, before the upload: Node, the SDK and Node's TypeScript transform. */
  idleRssMiB?: number;
}

async function viaTus(store: ServerProcessConfig['store'], size: number, chunkSize: number): Promise<Result> {
  const child = await startServerProcess(
    {
      store,
      s3: { ...server!, bucket, root: 'bench' },
      tus: { chunkSize: PART_SIZE },
    },
    'build',
  );
  try {
    const idleRss = child.rssBytes();
    const started = performance.now();
    await tusUpload(child.endpoint, size, chunkSize);
    const seconds = (performance.now() - started) / 1000;
    return {
      name: `${store} (client chunks ${chunkSize / MiB} MiB, ${size / MiB} MiB)`,
      mibPerSecond: size / MiB / seconds,
      requests: await child.requests(),
      parts: Math.ceil(size / PART_SIZE),
      peakRssMiB: child.peakRssBytes() / MiB,
      idleRssMiB: idleRss / MiB,
    };
  } finally {
    await child.kill();
    await emptyBucket(raw);
  }
}

async function viaLibStorage(size: number): Promise<Result> {
  const started = performance.now();
  await new LibStorageUpload({
    client: raw,
    params: { Bucket: bucket, Key: 'raw', Body: createReadStream(file) },
    partSize: PART_SIZE,
    queueSize: 8,
  }).done();
  const seconds = (performance.now() - started) / 1000;
  await emptyBucket(raw);
  return {
    name: `raw lib-storage Upload (queueSize 8, ${size / MiB} MiB)`,
    mibPerSecond: size / MiB / seconds,
    parts: Math.ceil(size / PART_SIZE),
  };
}

const results: Result[] = [];
try {
  await writeTestFile(SIZE);
  results.push(await viaLibStorage(SIZE));
  for (const chunkSize of [5 * MiB, 50 * MiB]) {
    results.push(await viaTus('stowage', SIZE, chunkSize));
    results.push(await viaTus('tus-s3-store', SIZE, chunkSize));
  }
  await writeTestFile(RSS_SIZE);
  results.push(await viaTus('stowage', RSS_SIZE, 50 * MiB));
} finally {
  rmSync(file, { force: true });
  await emptyBucket(raw);
  await raw.send(new DeleteBucketCommand({ Bucket: bucket }));
}

console.log(`\nPart size ${PART_SIZE / MiB} MiB; RGW on loopback; server in a child process.\n`);
console.log(
  [
    'upload'.padEnd(52),
    'MiB/s'.padStart(8),
    'S3 req'.padStart(8),
    'parts'.padStart(6),
    'peak RSS'.padStart(10),
  ].join(' '),
);
for (const r of results) {
  console.log(
    [
      r.name.padEnd(52),
      r.mibPerSecond.toFixed(1).padStart(8),
      String(r.requests ?? '-').padStart(8),
      String(r.parts).padStart(6),
      (r.peakRssMiB === undefined ? '-' : `${r.peakRssMiB.toFixed(0)} MiB`).padStart(10),
      (r.idleRssMiB === undefined ? '-' : `${r.idleRssMiB.toFixed(0)} MiB`).padStart(10),
    ].join(' '),
  );
}
