/**
 * What running several instances costs a resumable upload. (1) The lock every TUS
 * request takes, on each locker: a lock + unlock of a free upload (what each PATCH and
 * HEAD pays), and a hand-over to another instance (what a resumed upload whose old
 * request still holds the lock waits). (2) 1 GiB in 5 MiB PATCHes (as tus-js-client
 * sends them) through three instances behind the round-robin proxy, every PATCH on
 * another instance, on each distributed locker, against one instance (memory locker)
 * through the same proxy and directly, against the raw SDK sending the same parts. The
 * legs take turns chunk by chunk, so the noise of a shared machine falls on all alike.
 * Run: `./run bench scale-out` (BENCH_SIZE_MIB, default 1024; BENCH_ROUNDS, default 1).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createTestDatabase, ensurePgServer } from '@stowage/test-pg-server';
import { ensureRedisServer } from '@stowage/test-redis-server';
import { createTestBucket, ensureS3Server, rawS3Client } from '@stowage/test-s3-server';
import { createMemoryLocker, type Locker } from '@stowage/tus-locker';
import { measureHandovers, measureLockCycles, type Timings } from '@stowage/tus-locker/testing';
import { PostgresLocker } from '@stowage/tus-locker-postgres';
import { RedisLocker } from '@stowage/tus-locker-redis';
import { startCluster } from '../test/helpers/cluster.js';
import { type ApiProcess, spawnApi } from '../test/helpers/process.js';
import { startRoundRobinProxy } from '../test/helpers/round-robin-proxy.js';
import { s3LocationEnv } from '../test/helpers/s3-env.js';
import { peakRssMib } from './harness.js';

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MIB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const CHUNK = 5 * MIB;
const PATCHES = Math.ceil(SIZE / CHUNK);
const TOKEN = randomBytes(24).toString('base64url');

/** One upload of SIZE bytes in 5 MiB steps: the first step begins it, the last one finishes it. */
interface Leg {
  name: string;
  /** The API processes serving it, for their own timing. */
  processes: ApiProcess[];
  begin(): Promise<void>;
  send(index: number, chunk: Buffer): Promise<void>;
  /** Checks the result and removes it (not timed). */
  end(): Promise<void>;
}

/** The same parts a TUS upload in 5 MiB chunks stores, with the raw SDK. */
function rawLeg(client: S3Client, bucket: string): Leg {
  const key = `raw-${randomUUID()}.bin`;
  let UploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];
  return {
    name: 'raw SDK, one UploadPart a chunk',
    processes: [],
    begin: async () => {
      ({ UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })));
    },
    send: async (index, chunk) => {
      const PartNumber = index + 1;
      const { ETag } = await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body: chunk }),
      );
      parts.push({ ETag: ETag!, PartNumber });
      if (PartNumber === PATCHES) {
        await client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            MultipartUpload: { Parts: parts },
          }),
        );
      }
    },
    end: async () => {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

/** A TUS upload through `endpoint`, one PATCH a chunk, as tus-js-client sends them. */
function tusLeg(name: string, endpoint: string, processes: ApiProcess[]): Leg {
  const auth = { authorization: `Bearer ${TOKEN}`, 'tus-resumable': '1.0.0' };
  let url = '';
  return {
    name,
    processes,
    begin: async () => {
      const created = await fetch(`${endpoint}/files/tus`, {
        method: 'POST',
        headers: { ...auth, 'upload-length': String(SIZE) },
      });
      if (created.status !== 201) throw new Error(`${name}: creation answered ${created.status}`);
      url = created.headers.get('location')!;
    },
    send: async (index, chunk) => {
      const offset = index * CHUNK;
      const patched = await fetch(url, {
        method: 'PATCH',
        headers: {
          ...auth,
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
        },
        body: chunk,
      });
      if (patched.status !== 204 || Number(patched.headers.get('upload-offset')) !== offset + chunk.length) {
        throw new Error(`${name}: PATCH at ${offset} answered ${patched.status}`);
      }
    },
    end: async () => {
      const record = `${endpoint}/files/${url.split('/').pop()}`;
      const { data } = (await (await fetch(record, { headers: auth })).json()) as {
        data: { upload_status: string; filesize: number };
      };
      if (data.upload_status !== 'ready' || data.filesize !== SIZE) throw new Error(`${name}: not ready`);
      await fetch(record, { method: 'DELETE', headers: auth });
    },
  };
}

/**
 * Median time the instances took to answer a PATCH (Fastify's responseTime), from the
 * log lines they wrote after `from` (one offset per process): the instance's own
 * share, without the client's and the proxy's.
 */
function medianPatchMs(processes: ApiProcess[], from: number[]): number {
  const times = processes.flatMap((process, index) => {
    const entries = process.logs().slice(from[index]);
    const patches = new Set(
      entries
        .filter((entry) => (entry.req as { method?: string } | undefined)?.method === 'PATCH')
        .map((entry) => entry.reqId),
    );
    return entries
      .filter((entry) => entry.msg === 'request completed' && patches.has(entry.reqId))
      .map((entry) => Number(entry.responseTime));
  });
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

async function lockFigures(connection: string, redisUrl: string): Promise<Record<string, string>[]> {
  const prefix = `stowage-bench-${randomUUID()}:`;
  const lockers: [string, () => Locker & { close?(): Promise<void> }][] = [
    ['memory', () => createMemoryLocker()],
    ['postgres', () => new PostgresLocker({ connection })],
    ['redis', () => new RedisLocker({ redis: redisUrl, prefix })],
  ];
  const ms = (timings: Timings) => `${timings.median.toFixed(2)} / ${timings.p95.toFixed(2)}`;
  const rows: Record<string, string>[] = [];
  for (const [name, create] of lockers) {
    const [one, other] = [create(), create()];
    try {
      await measureLockCycles(one, 50); // connections and subscriptions opened
      const cycles = await measureLockCycles(one, 1000);
      // The memory locker is one process: its hand-over is to a waiter in that process.
      const handovers = await measureHandovers(one, name === 'memory' ? one : other, 100);
      rows.push({
        locker: name,
        'lock + unlock, ms (median / p95)': ms(cycles),
        'hand-over to another instance, ms (median / p95)': ms(handovers),
      });
    } finally {
      await Promise.all([one.close?.(), other.close?.()]);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const [s3, pg, redis] = await Promise.all([ensureS3Server(), ensurePgServer(), ensureRedisServer()]);
  if (!s3 || !pg || !redis) throw new Error('The S3, PostgreSQL and Redis test servers must run');
  const client = rawS3Client(s3);
  const bucket = await createTestBucket(s3, 'scale-out-bench');
  const database = await createTestDatabase(pg, 'scale_out_bench');
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-scale-bench-'));
  const env = {
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: TOKEN,
    // info, as deployed (and spawnApi waits for the line saying it listens).
    LOG_LEVEL: 'info',
    DB_CLIENT: 'pg',
    DB_CONNECTION_STRING: database.connectionString,
    FILES_MAX_UPLOAD_SIZE: String(SIZE * 2),
    STORAGE_LOCATIONS: 's3',
    ...s3LocationEnv('s3', s3, bucket.bucket, { TUS__CHUNK_SIZE: '5MiB' }),
  };
  const stops: (() => Promise<unknown>)[] = [];
  try {
    console.error('lock latency…');
    const locks = await lockFigures(database.connectionString, redis.url);

    const direct = await spawnApi({ ...env, PORT: '0', TUS_LOCKER: 'memory' });
    stops.push(() => direct.stop());
    const proxied = await spawnApi({ ...env, PORT: '0', TUS_LOCKER: 'memory' });
    stops.push(() => proxied.stop());
    const proxy = await startRoundRobinProxy([proxied.url]);
    stops.push(() => proxy.close());
    const postgres = await startCluster({ ...env, TUS_LOCKER: 'postgres' });
    stops.push(() => postgres.stop());
    const redisCluster = await startCluster({
      ...env,
      TUS_LOCKER: 'redis',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `stowage-bench-${randomUUID()}:`,
    });
    stops.push(() => redisCluster.stop());

    const chunk = randomBytes(CHUNK);
    const rows: Record<string, string>[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const legs = [
        rawLeg(client, bucket.bucket),
        tusLeg('one instance, direct', direct.url, [direct]),
        tusLeg('one instance, through the proxy', proxy.url, [proxied]),
        tusLeg('three instances alternating, postgres', postgres.url, postgres.instances),
        tusLeg('three instances alternating, redis', redisCluster.url, redisCluster.instances),
      ];
      const logsFrom = legs.map((leg) => leg.processes.map((process) => process.logs().length));
      const totals = legs.map(() => 0);
      // Step by step, each leg in turn (the first one changing every step): the noise of a
      // shared machine falls on every leg alike.
      for (let index = -1; index < PATCHES; index++) {
        for (let turn = 0; turn < legs.length; turn++) {
          const at = (turn + index + 1) % legs.length;
          const leg = legs[at]!;
          const body = chunk.subarray(0, Math.min(CHUNK, SIZE - index * CHUNK));
          const start = performance.now();
          await (index < 0 ? leg.begin() : leg.send(index, body));
          totals[at]! += performance.now() - start;
        }
      }
      for (const leg of legs) await leg.end();
      const reference = totals[2]!;
      legs.forEach((leg, at) => {
        const ms = totals[at]!;
        rows.push({
          leg: `${leg.name} #${round}`,
          'MiB/s': (SIZE / MIB / (ms / 1000)).toFixed(0),
          'ms per PATCH (client / instance median)':
            at === 0
              ? ''
              : `${(ms / PATCHES).toFixed(0)} / ${medianPatchMs(leg.processes, logsFrom[at]!).toFixed(0)}`,
          'vs one instance through the proxy': (reference / ms).toFixed(3),
          'vs raw SDK': (totals[0]! / ms).toFixed(2),
        });
      });
    }
    const rss = async (pids: number[]) =>
      `${Math.max(...(await Promise.all(pids.map((pid) => peakRssMib(pid))))).toFixed(0)} MiB`;
    console.log(`\nTUS locks (${locks.length} lockers; PostgreSQL and Redis on loopback)`);
    console.table(locks);
    console.log(
      `\n${SIZE / MIB} MiB in ${PATCHES} PATCHes of 5 MiB, S3 location on RGW; the legs take turns chunk by chunk`,
    );
    console.table(rows);
    console.log(
      `peak RSS per instance: one ${await rss([direct.child.pid!, proxied.child.pid!])}, postgres ${await rss(
        postgres.instances.map((i) => i.child.pid!),
      )}, redis ${await rss(redisCluster.instances.map((i) => i.child.pid!))}`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await bucket.remove();
    await database.drop();
    client.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
