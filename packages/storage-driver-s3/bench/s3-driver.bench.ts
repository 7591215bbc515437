/**
 * Throughput of the S3 driver against the raw AWS SDK on the project's real S3 server
 * (Ceph RGW, started through scripts/s3-server/start.sh), in the same run, alternating
 * which goes first. Run: `pnpm --filter @stowage/storage-driver-s3 bench`
 * (BENCH_SKIP_1GIB=1 leaves out the 1 GiB objects).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createTestBucket, ensureS3Server, rawS3Client } from '@stowage/test-s3-server';
import { S3Driver } from '../src/index.js';

const MiB = 1024 ** 2;
const PART_SIZE = 16 * MiB;
const QUEUE_SIZE = 4;
const SMALL_COUNT = 1000;
const SMALL_SIZE = 4096;
const SMALL_CONCURRENCY = 8;

const server = await ensureS3Server();
if (!server) throw new Error('The S3 test server could not start');
const { bucket, remove } = await createTestBucket(server, 'bench');
const raw = rawS3Client(server);
// Parts as the raw Upload below cuts them, so that both send the same requests.
// No root: driver keys and raw keys name the same objects.
const driver = new S3Driver({
  bucket,
  endpoint: server.endpoint,
  region: server.region,
  key: server.accessKeyId,
  secret: server.secretAccessKey,
  provider: 'ceph',
  partSize: PART_SIZE,
  queueSize: QUEUE_SIZE,
  maxObjectSize: '150GiB',
});

/** `size` bytes from a 16 MiB random block, repeated, without holding the whole object. */
function content(size: number): Readable {
  const block = randomBytes(16 * MiB);
  let sent = 0;
  return new Readable({
    read() {
      const length = Math.min(size - sent, MiB);
      const offset = sent % (15 * MiB);
      sent += length;
      this.push(length === 0 ? null : block.subarray(offset, offset + length));
    },
  });
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  return bytes;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

async function forEach(count: number, concurrency: number, run: (index: number) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) await run(index);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface Side {
  write(key: string, size: number): Promise<unknown>;
  read(key: string): Promise<number>;
  writeSmall(key: string, body: Buffer): Promise<unknown>;
}

const sides: Record<'driver' | 'raw', Side> = {
  driver: {
    write: (key, size) => driver.write(key, content(size)),
    read: async (key) => drain(await driver.read(key)),
    writeSmall: (key, body) => driver.write(key, Readable.from([body]), { size: body.length }),
  },
  raw: {
    write: (key, size) =>
      new Upload({
        client: raw,
        params: { Bucket: bucket, Key: key, Body: content(size) },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
      }).done(),
    read: async (key) => {
      const { Body } = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return drain(Body as Readable);
    },
    writeSmall: (key, body) => raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
  },
};

const deleteKey = (key: string) => raw.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

type Totals = Record<string, { driver: number[]; raw: number[]; unit: string }>;
const totals: Totals = {};
function record(name: string, side: 'driver' | 'raw', value: number, unit: string) {
  totals[name] ??= { driver: [], raw: [], unit };
  totals[name][side].push(value);
}

async function largeObject(size: number, rounds: number) {
  const label = `${size / MiB} MiB`;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['driver', 'raw'] as const) : (['raw', 'driver'] as const);
    for (const side of order) {
      const key = `large-${side}-${round}`;
      record(`write ${label}`, side, size / MiB / (await timed(() => sides[side].write(key, size))), 'MiB/s');
      let read = 0;
      const seconds = await timed(async () => {
        read = await sides[side].read(key);
      });
      if (read !== size) throw new Error(`${side} read ${read} of ${size} bytes`);
      record(`read ${label}`, side, size / MiB / seconds, 'MiB/s');
      await deleteKey(key);
    }
  }
}

/** Round 0 warms up (connections, JIT) and is not counted: a few ms skew a 1 s measurement. */
async function smallObjects(rounds: number) {
  const body = randomBytes(SMALL_SIZE);
  const label = `${SMALL_COUNT} × 4 KiB`;
  for (let round = 0; round <= rounds; round++) {
    const order = round % 2 === 0 ? (['driver', 'raw'] as const) : (['raw', 'driver'] as const);
    for (const side of order) {
      const key = (index: number) => `small-${side}-${round}/${index}`;
      const write = await timed(() =>
        forEach(SMALL_COUNT, SMALL_CONCURRENCY, (index) => sides[side].writeSmall(key(index), body)),
      );
      if (round > 0) record(`write ${label}`, side, SMALL_COUNT / write, 'objects/s');
      const read = await timed(() =>
        forEach(SMALL_COUNT, SMALL_CONCURRENCY, (index) => sides[side].read(key(index))),
      );
      if (round > 0) record(`read ${label}`, side, SMALL_COUNT / read, 'objects/s');
    }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

try {
  await smallObjects(5);
  await largeObject(256 * MiB, 3);
  if (process.env.BENCH_SKIP_1GIB !== '1') await largeObject(1024 * MiB, 2);
  console.log(`\nS3 driver vs raw SDK on ${server.endpoint} (median of rounds, alternating order)`);
  console.log('scenario'.padEnd(26), 'driver'.padStart(12), 'raw'.padStart(12), 'ratio'.padStart(7), ' unit');
  for (const [name, { driver: ours, raw: theirs, unit }] of Object.entries(totals)) {
    const [a, b] = [median(ours), median(theirs)];
    console.log(
      name.padEnd(26),
      a.toFixed(1).padStart(12),
      b.toFixed(1).padStart(12),
      (a / b).toFixed(3).padStart(7),
      ` ${unit}`,
    );
  }
} finally {
  raw.destroy();
  driver.client.destroy();
  await remove();
}
