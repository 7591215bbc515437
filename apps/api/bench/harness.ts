/**
 * What the API's benchmarks share: the source of bytes, timing and rotating legs, the
 * API started as `pnpm start` starts it, helper processes, and its memory.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { createTestBucket, ensureS3Server, rawS3Client, type S3ServerInfo } from '@stowage/test-s3-server';
import { s3LocationEnv } from '../test/helpers/s3-env.js';

export const MIB = 1024 * 1024;
const here = new URL('.', import.meta.url).pathname;

/** `size` bytes from a reused random block: generating them costs nothing measurable. */
export function source(size: number): Readable {
  const block = randomBytes(MIB);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const chunk = block.subarray(0, Math.min(MIB, size - sent));
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

export async function timed(leg: string, run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  const seconds = (performance.now() - start) / 1000;
  console.error(`${leg}: ${seconds.toFixed(2)} s`);
  return seconds;
}

/** Runs the legs one after the other, starting with a different one each round (RGW's caches favour later legs); answers in the legs' order. */
export async function rotated<T>(round: number, legs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (let step = 0; step < legs.length; step++) {
    const index = (round + step) % legs.length;
    results[index] = await legs[index]!();
  }
  return results;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface BenchSetUp {
  server: S3ServerInfo;
  /** A raw SDK client for the server. */
  client: S3Client;
  bucket: string;
  /** The environment of an API whose only location, `s3`, is the bucket. */
  apiEnv: Record<string, string>;
  tearDown(): Promise<void>;
}

/** The RGW test server, a bucket and a data folder of the benchmark's own, and an API's environment on them. */
export async function benchSetUp(
  label: string,
  options: { token: string; maxUploadSize: number },
): Promise<BenchSetUp> {
  const server = await ensureS3Server();
  if (!server) throw new Error('The S3 test server could not start');
  const client = rawS3Client(server);
  const { bucket, remove } = await createTestBucket(server, label);
  const dataDir = await mkdtemp(join(tmpdir(), `stowage-${label}-`));
  const apiEnv = {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: options.token,
    LOG_LEVEL: 'info',
    FILES_MAX_UPLOAD_SIZE: String(options.maxUploadSize),
    STORAGE_LOCATIONS: 's3',
    ...s3LocationEnv('s3', server, bucket),
  };
  return {
    server,
    client,
    bucket,
    apiEnv,
    tearDown: async () => {
      await remove();
      client.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RunningApi {
  url: string;
  pid: number;
  stop(): void;
}

/** The built API (`dist/main.js`) in its own process; `nodeOptions` come before the script (profiling). */
export async function startApi(env: Record<string, string>, nodeOptions: string[] = []): Promise<RunningApi> {
  // As `pnpm start` runs it (see the README: a small young generation frees streamed buffers sooner).
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=4', ...nodeOptions, join(here, '../dist/main.js')],
    { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
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

/** A benchmark's helper server (a .ts file next to this one) in its own process, configured by `env`; it answers its port over IPC. */
export async function startHelper(
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; stop(): void }> {
  const child = fork(join(here, script), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(message as number));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, stop: () => child.kill() };
}

/** Peak resident memory of a process (VmHWM). */
export async function peakRssMib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmHWM:\s+(\d+) kB/)![1]) / 1024;
}

/** CPU time (user + system) a process has used so far, in seconds (Linux). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces): utime and stime are the 12th and 13th, in ticks of 1/100 s.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
