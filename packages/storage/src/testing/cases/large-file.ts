import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { SLOW_TEST_TIMEOUT } from '../context.js';
import { randomStream, sha256OfStream } from '../streams.js';

const SIZE = 64 * 1024 * 1024;
const SEED = 'large-file';

export function describeLargeFile(context: ConformanceContext): void {
  describe('large files', () => {
    it(
      'streams 64 MiB in and out, whole and in ranges, intact',
      async () => {
        const { driver } = context;
        const key = `${context.prefix()}large.bin`;
        await driver.write(key, randomStream(SIZE, SEED));
        expect((await driver.stat(key)).size).toBe(SIZE);
        expect(await sha256OfStream(await driver.read(key))).toBe(
          await sha256OfStream(randomStream(SIZE, SEED)),
        );

        const start = 10 * 1024 * 1024 + 12_345;
        const end = 42 * 1024 * 1024 + 6789;
        expect(await sha256OfStream(await driver.read(key, { range: { start, end } }))).toBe(
          await sha256OfStream(randomStream(end - start + 1, SEED, start)),
        );
        const suffix = 3 * 1024 * 1024 + 1;
        expect(await sha256OfStream(await driver.read(key, { range: { suffix } }))).toBe(
          await sha256OfStream(randomStream(suffix, SEED, SIZE - suffix)),
        );
      },
      SLOW_TEST_TIMEOUT,
    );

    it(
      'stores a body whose size is given up front (drivers may pick a single request)',
      async () => {
        const { driver } = context;
        const key = `${context.prefix()}sized.bin`;
        const size = 6 * 1024 * 1024 + 7;
        await driver.write(key, randomStream(size, 'sized'), { size });
        expect((await driver.stat(key)).size).toBe(size);
        expect(await sha256OfStream(await driver.read(key))).toBe(
          await sha256OfStream(randomStream(size, 'sized')),
        );
      },
      SLOW_TEST_TIMEOUT,
    );
  });
}
