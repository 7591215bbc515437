import { describe, expect, it } from 'vitest';
import { RangeNotSatisfiableError } from '../../errors.js';
import type { ByteRange } from '../../range.js';
import type { ConformanceContext } from '../context.js';
import { readContent, writeContent } from '../io.js';
import { randomBuffer } from '../streams.js';

const content = randomBuffer(100, 'ranges');

/** Each range with the bytes of the 100-byte file it must return. */
const satisfiable: Array<[string, ByteRange, Buffer]> = [
  ['{ start } reads to the end', { start: 10 }, content.subarray(10)],
  ['{ start: 0 } reads everything', { start: 0 }, content],
  ['{ start, end } includes end', { start: 10, end: 19 }, content.subarray(10, 20)],
  ['a one-byte range', { start: 0, end: 0 }, content.subarray(0, 1)],
  ['the last byte', { start: 99 }, content.subarray(99)],
  ['an end past the file is clamped', { start: 90, end: 10_000 }, content.subarray(90)],
  ['{ suffix } reads the last bytes', { suffix: 10 }, content.subarray(90)],
  ['a suffix longer than the file reads it all', { suffix: 1000 }, content],
];

const unsatisfiable: Array<[string, ByteRange]> = [
  ['a start at the size', { start: 100 }],
  ['a start past the size', { start: 1000, end: 2000 }],
  ['an empty suffix', { suffix: 0 }],
  ['an end before the start', { start: 20, end: 10 }],
  ['a negative start', { start: -1 }],
  ['a negative end', { start: 0, end: -5 }],
  ['a negative suffix', { suffix: -10 }],
  ['a fractional offset', { start: 1.5 }],
];

export function describeRanges(context: ConformanceContext): void {
  describe('ranges', () => {
    let key = '';
    const fileOf100Bytes = async () => {
      if (!key) {
        key = `${context.prefix()}hundred.bin`;
        await writeContent(context.driver, key, content);
      }
      return key;
    };

    it.each(satisfiable)('%s', async (_, range, expected) => {
      expect(await readContent(context.driver, await fileOf100Bytes(), { range })).toEqual(expected);
    });

    it.each(unsatisfiable)('refuses %s with RangeNotSatisfiableError', async (_, range) => {
      await expect(context.driver.read(await fileOf100Bytes(), { range })).rejects.toBeInstanceOf(
        RangeNotSatisfiableError,
      );
    });

    it('refuses any range of an empty file with RangeNotSatisfiableError', async () => {
      const { driver } = context;
      const empty = `${context.prefix()}empty.bin`;
      await writeContent(driver, empty, Buffer.alloc(0));
      for (const range of [{ start: 0 }, { start: 0, end: 10 }, { suffix: 5 }]) {
        await expect(driver.read(empty, { range })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      }
    });
  });
}
