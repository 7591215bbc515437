/**
 * Migration throughput as operators get it: `stowage migrate` (the built CLI, its own
 * process, copy–verify–switch of every file, 8 in flight) beside raw AWS SDK copies of
 * the same files on the same RGW in the same run, as `aws s3 cp` would make them:
 * PutObject / lib-storage Upload from the disk (local → S3) and CopyObject (S3 → S3).
 * Peak RSS of the CLI too. Run: `./run bench cli`
 * (BENCH_SMALL_FILES, default 1000 files of 4 KiB; BENCH_LARGE_FILES × BENCH_LARGE_MIB,
 * default 4 × 256 MiB).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createTestBucket, ensureS3Server, rawS3Client, s3LocationEnv } from '@stowage/test-s3-server';

const MiB = 1024 * 1024;
const SMALL_FILES = Number(process.env.BENCH_SMALL_FILES ?? 1000);
const LARGE_FILES = Number(process.env.BENCH_LARGE_FILES ?? 4);
const LARGE_SIZE = Number(process.env.BENCH_LARGE_MIB ?? 256) * MiB;
const CONCURRENCY = 8;
const TOKEN = randomBytes(24).toString('base64url');
const here = new URL('.', import.meta.url).pathname;

async function startApi(env: Record<string, string>): Promise<{ url: string; stop(): void }> {
  // Logs at info: the line saying where it listens is one of them.
  const child = spawn(process.execPath, [join(here, '../../api/dist/main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const match = chunk.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the api exited with ${code}`)));
  });
  return { url, stop: () => child.kill() };
}

/** Runs `work` on each item, `CONCURRENCY` at a time. */
async function eachConcurrently<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function seed(url: string, count: number, size: number): Promise<void> {
  const block = randomBytes(size);
  await eachConcurrently(
    Array.from({ length: count }, (_, index) => index),
    async (index) => {
      const form = new FormData();
      form.append('storage', 'local');
      // Distinct content per file: the first bytes carry its number.
      const content = Buffer.from(block);
      content.writeUInt32BE(index, 0);
      form.append('file', new Blob([content]), `file-${index}.bin`);
      const response = await fetch(`${url}/files`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      if (response.status !== 200) throw new Error(`seeding answered ${response.status}`);
    },
  );
}

/** The CLI as an operator runs it; answers its wall time and peak RSS. */
async function migrateWithCli(env: Record<string, string>, from: string, to: string) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(here, '../dist/main.js'),
      'migrate',
      '--from',
      from,
      '--to',
      to,
      '--concurrency',
      String(CONCURRENCY),
      '--json',
    ],
    { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  let peakRss = 0;
  const sampler = setInterval(async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    peakRss = Math.max(peakRss, peak);
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const summary = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((event) => event.event === 'summary');
  if (code !== 0 || summary?.failed !== 0)
    throw new Error(`migrate ${from} → ${to} failed: ${output.slice(-500)}`);
  return { seconds, peakRss, moved: summary.moved as number };
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

async function listKeys(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(
      ...(page.Contents ?? []).map((object) => object.Key!).filter((key) => !key.startsWith('.stowage/')),
    );
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** `aws s3 cp --recursive` from the disk: PutObject, or lib-storage's multipart Upload past 8 MiB. */
async function rawUpload(client: S3Client, folder: string, files: string[], bucket: string): Promise<void> {
  await eachConcurrently(files, async (name) => {
    const path = join(folder, name);
    const { size } = await stat(path);
    const Key = `raw/${name}`;
    if (size <= 8 * MiB) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: await readFile(path) }));
      return;
    }
    await new Upload({
      client,
      params: { Bucket: bucket, Key, Body: createReadStream(path) },
      partSize: 8 * MiB,
      queueSize: 4,
    }).done();
  });
}

/** `aws s3 cp --recursive s3://a s3://b` on one server: CopyObject, the server copies. */
async function rawCopy(client: S3Client, from: string, keys: string[], to: string): Promise<void> {
  await eachConcurrently(keys, async (key) => {
    await client.send(new CopyObjectCommand({ Bucket: to, Key: `raw/${key}`, CopySource: `${from}/${key}` }));
  });
}

const format = (value: number, digits = 1) => value.toFixed(digits);

async function main(): Promise<void> {
  const server = await ensureS3Server();
  if (!server) throw new Error('the S3 test server is needed (scripts/s3-server/start.sh)');
  const client = rawS3Client(server);
  const buckets = [await createTestBucket(server, 'bench-a'), await createTestBucket(server, 'bench-b')];
  const [a, b] = buckets.map((bucket) => bucket.bucket) as [string, string];
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-bench-cli-'));
  const env = {
    DATA_DIR: dataDir,
    ADMIN_TOKEN: TOKEN,
    LOG_LEVEL: 'info',
    STORAGE_LOCATIONS: 'local,a,b',
    STORAGE_LOCAL_DRIVER: 'local',
    STORAGE_LOCAL_ROOT: join(dataDir, 'uploads'),
    ...s3LocationEnv('a', server, a),
    ...s3LocationEnv('b', server, b),
  };
  const api = await startApi(env);
  const rows: string[][] = [];
  try {
    for (const [label, count, size] of [
      [`${SMALL_FILES} × 4 KiB`, SMALL_FILES, 4096],
      [`${LARGE_FILES} × ${LARGE_SIZE / MiB} MiB`, LARGE_FILES, LARGE_SIZE],
    ] as const) {
      await seed(api.url, count, size);
      const mib = (count * size) / MiB;
      const rate = (seconds: number) =>
        size < MiB ? `${format(count / seconds, 0)} files/s` : `${format(mib / seconds)} MiB/s`;

      const localFiles = (await readdir(join(dataDir, 'uploads'), { withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
      const toS3 = await migrateWithCli(env, 'local', 'a');
      const rawToS3 = await timed(() => rawUpload(client, join(dataDir, 'uploads'), localFiles, a));
      const keys = (await listKeys(client, a)).filter((key) => !key.startsWith('raw/'));
      const s3ToS3 = await migrateWithCli(env, 'a', 'b');
      const rawS3ToS3 = await timed(() => rawCopy(client, a, keys, b));
      for (const [leg, cli, raw] of [
        ['local → S3', toS3, rawToS3],
        ['S3 → S3', s3ToS3, rawS3ToS3],
      ] as const) {
        rows.push([
          label,
          leg,
          `${rate(cli.seconds)} (${format(cli.seconds, 2)} s)`,
          `${rate(raw)} (${format(raw, 2)} s)`,
          format(raw / cli.seconds, 2),
          `${format(cli.peakRss / MiB, 0)} MiB`,
        ]);
        console.error(rows.at(-1)!.join(' | '));
      }
    }
  } finally {
    api.stop();
    await rm(dataDir, { recursive: true, force: true });
    await Promise.all(buckets.map((bucket) => bucket.remove()));
    client.destroy();
  }
  console.log('| files | leg | stowage migrate | raw SDK | migrate / raw (speed) | CLI peak RSS |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

await main();
