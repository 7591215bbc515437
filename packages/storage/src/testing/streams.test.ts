import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareKeys, forEachConcurrently } from './listing.js';
import { failingStream, randomBuffer, randomStream, sha256OfStream, streamToBuffer } from './streams.js';

describe('test streams', () => {
  it('randomStream is deterministic per seed and any slice can be regenerated', async () => {
    const whole = await streamToBuffer(randomStream(1_000_003, 'seed'));
    expect(whole).toHaveLength(1_000_003);
    expect(whole.equals(await streamToBuffer(randomStream(1_000_003, 'seed')))).toBe(true);
    expect(whole.subarray(0, 1000).equals(randomBuffer(1000, 'other'))).toBe(false);
    expect(randomBuffer(777, 'seed', 262_139).equals(whole.subarray(262_139, 262_916))).toBe(true);
    expect(await sha256OfStream(randomStream(5, 'seed', 999_998))).toBe(
      createHash('sha256').update(whole.subarray(999_998)).digest('hex'),
    );
  });

  it('failingStream yields its bytes, then fails', async () => {
    const received: Buffer[] = [];
    const consume = async () => {
      for await (const chunk of failingStream(300_000, new Error('boom'))) received.push(chunk);
    };
    await expect(consume()).rejects.toThrow('boom');
    expect(Buffer.concat(received)).toHaveLength(300_000);
  });
});

describe('listing helpers', () => {
  it('compares keys by UTF-8 bytes', () => {
    expect(['😀', 'ｚ', 'a/b', 'a-c'].sort(compareKeys)).toEqual(['a-c', 'a/b', 'ｚ', '😀']);
  });

  it('forEachConcurrently runs every task, never more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachConcurrently(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async (i) => {
        peak = Math.max(peak, ++running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running--;
        done.push(i);
      },
    );
    expect(peak).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
