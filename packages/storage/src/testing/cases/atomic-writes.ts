import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { readText, writeContent } from '../io.js';
import { failingStream, randomBuffer, randomStream, sha256OfStream } from '../streams.js';

/** More than one S3 part (5 MiB), so multipart uploads get aborted too. */
const BYTES_BEFORE_FAILURE = 6 * 1024 * 1024;
/** Time for a driver to start consuming a body before the test acts mid-write. */
const IN_FLIGHT_DELAY_MS = 100;

/** A body that sends some bytes and then waits for the test to end it. */
function stalledBody(): PassThrough {
  const body = new PassThrough();
  body.write(randomBuffer(256 * 1024, 'stalled'));
  return body;
}

export function describeAtomicWrites(context: ConformanceContext): void {
  describe('atomic writes', () => {
    it('a write whose source fails stores nothing', async () => {
      const { driver } = context;
      const key = `${context.prefix()}failed.bin`;
      await expect(driver.write(key, failingStream(BYTES_BEFORE_FAILURE))).rejects.toThrow();
      expect(await driver.exists(key)).toBe(false);
    });

    it('a write whose source fails at once, before the driver reads it, is refused without crashing', async () => {
      const { driver } = context;
      const key = `${context.prefix()}failed-at-once.bin`;
      // Nobody but the driver listens: an 'error' it did not subscribe to at once would
      // be unhandled and end the process (a client hanging up during an upload).
      const body = new PassThrough();
      const writing = driver.write(key, body);
      body.destroy(new Error('Simulated failure before the first byte'));
      await expect(writing).rejects.toThrow();
      expect(await driver.exists(key)).toBe(false);
    });

    it('a write whose source fails leaves the existing file untouched', async () => {
      const { driver } = context;
      const key = `${context.prefix()}kept.txt`;
      await writeContent(driver, key, 'original');
      await expect(driver.write(key, failingStream(BYTES_BEFORE_FAILURE))).rejects.toThrow();
      expect(await readText(driver, key)).toBe('original');
    });

    it('an aborted write stores nothing and leaves the existing file untouched', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}existing.txt`, 'original');
      for (const key of [`${prefix}new.bin`, `${prefix}existing.txt`]) {
        const controller = new AbortController();
        const writing = driver.write(key, stalledBody(), { signal: controller.signal });
        await sleep(IN_FLIGHT_DELAY_MS);
        controller.abort();
        await expect(writing).rejects.toThrow();
      }
      expect(await driver.exists(`${prefix}new.bin`)).toBe(false);
      expect(await readText(driver, `${prefix}existing.txt`)).toBe('original');
    });

    it('readers see the previous file while a write is in flight', async () => {
      const { driver } = context;
      const key = `${context.prefix()}in-flight.txt`;
      await writeContent(driver, key, 'previous');
      const body = stalledBody();
      const writing = driver.write(key, body);
      await sleep(IN_FLIGHT_DELAY_MS);
      expect(await readText(driver, key)).toBe('previous');
      body.end('the end');
      await writing;
      expect((await driver.stat(key)).size).toBe(256 * 1024 + 'the end'.length);
    });

    it('concurrent writers of one key leave one whole version, never a mix', async () => {
      const { driver } = context;
      const key = `${context.prefix()}contested.bin`;
      const size = 1024 * 1024;
      const seeds = ['writer-1', 'writer-2', 'writer-3', 'writer-4'];
      await Promise.all(seeds.map((seed) => driver.write(key, randomStream(size, seed))));
      const versions = await Promise.all(seeds.map((seed) => sha256OfStream(randomStream(size, seed))));
      expect(versions).toContain(await sha256OfStream(await driver.read(key)));
    });
  });
}
