/** What the API benchmarks share: the bytes they send, their timing, the RSS they read. */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';

const MIB = 1024 * 1024;

/** SIZE bytes from a reused random block: generating them costs nothing measurable. */
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

/** Runs one leg; answers (and prints) its seconds. */
export async function timed(leg: string, run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  const seconds = (performance.now() - start) / 1000;
  console.error(`${leg}: ${seconds.toFixed(2)} s`);
  return seconds;
}

/** Runs the legs one after the other, starting with a different one each round (RGW's caches favour later legs); answers in the legs' order. */
export async function rotated(round: number, legs: (() => Promise<number>)[]): Promise<number[]> {
  const results: number[] = [];
  for (let step = 0; step < legs.length; step++) {
    const index = (round + step) % legs.length;
    results[index] = await legs[index]!();
  }
  return results;
}

/** The peak RSS (VmHWM) of a process on this machine. */
export async function peakRssMib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmHWM:\s+(\d+) kB/)![1]) / 1024;
}
