/**
 * Resumable uploads through the running API (tus-js-client to /files/tus on an S3
 * location) beside, in the same run and on the same RGW: a raw lib-storage `Upload`, a
 * bare hop (bench/bare-hop.ts: node:http streaming each request body into lib-storage,
 * in its own process; sent the same 50 MiB requests, one after the other) and
 * @tus/s3-store behind a bare @tus/server (its own process).
 * Then many clients at once through the API. Each API leg gets a fresh API process
 * (the build, as `pnpm start` runs it), whose peak RSS is the leg's.
 * Run: `pnpm --filter @stowage/api bench` (BENCH_SIZE_MIB, default 1024; BENCH_ROUNDS,
 * default 3; BENCH_CLIENTS, default 200; BENCH_CLIENT_SIZE_MIB, default 8; BENCH_LEGS, a
 * comma list of leg names to run only those; BENCH_API_NODE_OPTIONS, e.g. `--cpu-prof`).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Upload as LibStorageUpload } from '@aws-sdk/lib-storage';
import { emptyBucket } from '@stowage/test-s3-server';
import { Upload, type UploadOptions } from 'tus-js-client';
import {
  benchSetUp,
  cpuSeconds,
  MIB,
  median,
  peakRssMib,
  type RunningApi,
  rotated,
  source,
  startApi,
  startHelper,
  timed,
} from './harness.js';

const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * MIB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const CLIENT_SIZE = Number(process.env.BENCH_CLIENT_SIZE_MIB ?? 8) * MIB;
const ONLY = process.env.BENCH_LEGS?.split(',');
const API_NODE_OPTIONS = process.env.BENCH_API_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
const TOKEN = randomBytes(24).toString('base64url');

/** `size` bytes for tus-js-client, which slices a Buffer without copying it. */
function content(size: number): Buffer {
  const block = randomBytes(MIB);
  const data = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += MIB) block.copy(data, at, 0, Math.min(MIB, size - at));
  return data;
}

function tusUpload(endpoint: string, data: Buffer, options: Partial<UploadOptions>): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint,
      headers: { authorization: `Bearer ${TOKEN}` },
      metadata: { filename: 'bench.bin', filetype: 'application/octet-stream', storage: 's3' },
      // A failure counts: the benchmark wants none.
      retryDelays: [],
      ...options,
      onSuccess: () => resolve(),
      onError: reject,
    });
    upload.start();
  });
}

/**
 * `size` bytes to the bare hop in requests of `chunk` bytes, one after the other, as
 * tus-js-client sends its chunks: each body streamed into an object of its own.
 */
async function hopUpload(url: string, size: number, chunk: number): Promise<void> {
  for (let at = 0, index = 0; at < size; at += chunk, index++) {
    const length = Math.min(chunk, size - at);
    await new Promise<void>((resolve, reject) => {
      const req = request(`${url}/hop-${index}.bin`, {
        method: 'PUT',
        headers: { 'content-length': length },
      });
      req.on('error', reject);
      req.on('response', (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 204
            ? resolve()
            : reject(new Error(`the hop answered ${response.statusCode}`)),
        );
      });
      source(length).pipe(req);
    });
  }
}

interface LegResult {
  seconds: number;
  /** CPU seconds of the process between the client and S3 (API, hop, @tus/server), of the client (this process) and of the S3 server. */
  cpu: { middle?: number; client: number; s3: number };
  /** Peak RSS of the API process of the leg. */
  rss?: number;
  failures?: number;
}

/** The S3 test server's processes (RADOS Gateway and its OSD), whose CPU time a leg costs. */
async function s3ServerPids(): Promise<number[]> {
  const run = join(process.env.S3_SERVER_DIR ?? '/tmp/stowage-s3', 'run');
  return Promise.all(
    ['rgw.pid', 'osd.pid'].map(async (name) => Number(await readFile(join(run, name), 'utf8'))),
  );
}

/** Runs a leg, measuring its time and the CPU time of every process on the path. */
async function measured(
  name: string,
  middlePid: number | undefined,
  /** What it answers may count failures. */
  run: () => Promise<unknown>,
): Promise<LegResult> {
  const s3Pids = await s3ServerPids();
  const s3Cpu = async () => (await Promise.all(s3Pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
  const before = {
    middle: middlePid && (await cpuSeconds(middlePid)),
    client: process.cpuUsage(),
    s3: await s3Cpu(),
  };
  let extra: Pick<LegResult, 'failures'> | undefined;
  const seconds = await timed(name, async () => {
    extra = (await run()) as Pick<LegResult, 'failures'> | undefined;
  });
  const client = process.cpuUsage(before.client);
  return {
    seconds,
    cpu: {
      ...(middlePid && { middle: (await cpuSeconds(middlePid)) - before.middle! }),
      client: (client.user + client.system) / 1e6,
      s3: (await s3Cpu()) - before.s3,
    },
    ...extra,
  };
}

async function main(): Promise<void> {
  const setUp = await benchSetUp('api-tus-bench', { token: TOKEN, maxUploadSize: SIZE * 2 });
  const { server, client, bucket, apiEnv } = setUp;
  const hop = await startHelper('bare-hop.ts', { BARE_HOP: JSON.stringify({ server, bucket }) });
  const tusS3Store = await startHelper('tus-s3-store-server.ts', {
    TUS_S3_STORE: JSON.stringify({ server, bucket }),
  });
  const data = content(SIZE);
  const clientData = content(CLIENT_SIZE);
  const loadBefore = loadavg();

  /** A leg through a fresh API process: its peak RSS is the leg's. */
  const viaApi =
    (name: string, run: (api: RunningApi) => Promise<unknown>) => async (): Promise<LegResult> => {
      const api = await startApi(apiEnv, API_NODE_OPTIONS);
      try {
        const result = await measured(name, api.pid, () => run(api));
        return { ...result, rss: await peakRssMib(api.pid) };
      } finally {
        api.stop();
      }
    };
  const legs: Record<string, () => Promise<LegResult>> = {
    raw: () =>
      measured('raw', undefined, async () => {
        await new LibStorageUpload({
          client,
          params: { Bucket: bucket, Key: 'raw.bin', Body: source(SIZE) },
          partSize: 8 * MIB,
          queueSize: 4,
        }).done();
      }),
    hop: () => measured('hop', hop.child.pid, () => hopUpload(hop.url, SIZE, 50 * MIB)),
    tusS3Store: () =>
      measured('tusS3Store', tusS3Store.child.pid, () =>
        tusUpload(`${tusS3Store.url}/files`, data, { chunkSize: 50 * MIB }),
      ),
    api50: viaApi('api50', (api) => tusUpload(`${api.url}/files/tus`, data, { chunkSize: 50 * MIB })),
    api5x4: viaApi('api5x4', (api) =>
      tusUpload(`${api.url}/files/tus`, data, {
        chunkSize: 5 * MIB,
        parallelUploads: 4,
        metadataForPartialUploads: { storage: 's3' },
      }),
    ),
    apiConcurrent: viaApi('apiConcurrent', async (api) => {
      const results = await Promise.allSettled(
        Array.from({ length: CLIENTS }, () =>
          tusUpload(`${api.url}/files/tus`, clientData, { chunkSize: 8 * MIB }),
        ),
      );
      const failed = results.filter((result) => result.status === 'rejected');
      if (failed.length > 0) console.error('first failure:', (failed[0] as PromiseRejectedResult).reason);
      return { failures: failed.length };
    }),
  };
  const names = Object.keys(legs).filter((name) => !ONLY || ONLY.includes(name));
  const results = new Map<string, LegResult[]>(names.map((name) => [name, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const measuredRound = await rotated(
        round,
        names.map((name) => async () => {
          const result = await legs[name]!();
          // RGW frees the space of deleted objects later, in its garbage collection.
          await emptyBucket(client, bucket);
          return result;
        }),
      );
      for (const [index, result] of measuredRound.entries()) results.get(names[index]!)!.push(result);
    }
  } finally {
    hop.stop();
    tusS3Store.stop();
    await setUp.tearDown();
  }
  report(results, loadBefore);
}

const LABELS: Record<string, string> = {
  raw: 'raw lib-storage Upload (8 MiB parts, 4 in flight)',
  hop: 'bare hop (node:http → lib-storage Upload), 50 MiB requests',
  tusS3Store: '@tus/s3-store + bare @tus/server, 50 MiB chunks',
  api50: 'API /files/tus, 50 MiB chunks',
  api5x4: 'API /files/tus, 5 MiB chunks, parallelUploads: 4',
  apiConcurrent: `API /files/tus, ${CLIENTS} clients × ${CLIENT_SIZE / MIB} MiB at once`,
};

/** Median CPU seconds per GiB moved, of each process on the path. */
function cpuPerGib(name: string, measured: LegResult[]): string {
  const gib = (name === 'apiConcurrent' ? CLIENTS * CLIENT_SIZE : SIZE) / (1024 * MIB);
  const of = (pick: (cpu: LegResult['cpu']) => number | undefined) => {
    const values = measured.flatMap(({ cpu }) => pick(cpu) ?? []);
    return values.length > 0 ? (median(values) / gib).toFixed(1) : '-';
  };
  return [of((cpu) => cpu.middle), of((cpu) => cpu.client), of((cpu) => cpu.s3)].join(', ');
}

function report(results: Map<string, LegResult[]>, loadBefore: number[]): void {
  const sizeOf = (name: string) => (name === 'apiConcurrent' ? CLIENTS * CLIENT_SIZE : SIZE);
  const rates = (name: string) =>
    results.get(name)?.map((result) => sizeOf(name) / MIB / result.seconds) ?? [];
  /** The median of the ratios of each round: legs of one round ran under the same load. */
  const ratio = (name: string, reference: string) => {
    const of = rates(reference);
    return of.length > 0 ? median(rates(name).map((rate, round) => rate / of[round]!)).toFixed(2) : '';
  };
  const rows = [...results].map(([name, measured]) => {
    const rss = measured.flatMap((result) => (result.rss === undefined ? [] : [result.rss]));
    const failures = measured.reduce((total, result) => total + (result.failures ?? 0), 0);
    return {
      leg: LABELS[name],
      'MiB/s (median)': median(rates(name)).toFixed(0),
      'each round': rates(name)
        .map((rate) => rate.toFixed(0))
        .join(' '),
      '× raw': ratio(name, 'raw'),
      '× hop': ratio(name, 'hop'),
      '× API 50 MiB': name.startsWith('api') ? ratio(name, 'api50') : '',
      'API peak RSS (MiB, max)': rss.length > 0 ? Math.max(...rss).toFixed(0) : '',
      'CPU s/GiB: middle, client, S3': cpuPerGib(name, measured),
      failures: name === 'apiConcurrent' ? failures : '',
    };
  });
  console.log(`\n${SIZE / MIB} MiB uploads, ${ROUNDS} rounds (legs rotate), RGW on loopback`);
  console.table(rows);
  const load = (values: number[]) => values.map((value) => value.toFixed(1)).join(' ');
  console.log(`load average before: ${load(loadBefore)}, after: ${load(loadavg())} (2 cores)`);
  console.log('× raw, × hop: median over the rounds of the ratio within each round');
  console.log(
    'targets: 50 MiB chunks ≥ 1.0 × hop; 5 MiB × 4 ≥ 50 MiB; RSS ≤ 200 MiB (one), ≤ 256 MiB (many)',
  );
}

await main();
