/**
 * What the API's benchmarks share: the source of bytes, timing and rotating legs, the
 * API started as `pnpm start` starts it, helper processes, and its memory.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

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
