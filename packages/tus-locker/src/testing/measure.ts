import type { Locker } from '@tus/utils';

export interface Timings {
  count: number;
  /** Milliseconds. */
  median: number;
  p95: number;
  max: number;
}

/**
 * Times `cycles` lock + unlock pairs on fresh ids, one after the other: the cost a
 * tus request pays for its lock when nobody else holds it. For figures, not tests.
 */
export async function measureLockCycles(locker: Locker, cycles = 1000): Promise<Timings> {
  const run = Math.random().toString(36).slice(2);
  const times: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const lock = locker.newLock(`measure-${run}-${i}`);
    const start = performance.now();
    await lock.lock(AbortSignal.timeout(30_000), () => {});
    await lock.unlock();
    times.push(performance.now() - start);
  }
  return summarize(times);
}

/**
 * Times `rounds` hand-overs: `holder` holds an id and unlocks when asked; a waiter on
 * `waiter` (another instance, or the same) asks and takes the lock. What a client
 * resuming an upload whose old request still holds the lock waits for the lock.
 */
export async function measureHandovers(holder: Locker, waiter: Locker, rounds = 100): Promise<Timings> {
  const run = Math.random().toString(36).slice(2);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const id = `handover-${run}-${i}`;
    const held = holder.newLock(id);
    let asked = false;
    await held.lock(AbortSignal.timeout(30_000), () => {
      if (asked) return;
      asked = true;
      return held.unlock();
    });
    const taker = waiter.newLock(id);
    const start = performance.now();
    await taker.lock(AbortSignal.timeout(30_000), () => {});
    times.push(performance.now() - start);
    await taker.unlock();
  }
  return summarize(times);
}

function summarize(times: number[]): Timings {
  const sorted = [...times].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, median: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
}
