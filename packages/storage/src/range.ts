import { RangeNotSatisfiableError } from './errors.js';

/**
 * A byte range, the same in every driver:
 * - `{ start }`: from `start` to the end of the file;
 * - `{ start, end }`: `start` to `end`, both inclusive (HTTP's `bytes=start-end`);
 * - `{ suffix }`: the last `suffix` bytes (HTTP's `bytes=-suffix`).
 */
export type ByteRange = { start: number; end?: number } | { suffix: number };

/** Inclusive offsets of a range within a file of a known size. */
export interface ResolvedRange {
  start: number;
  end: number;
}

/**
 * Resolves a range against the file's size, clamping an end past the file as HTTP does.
 * Throws RangeNotSatisfiableError when no byte of the file is in the range.
 */
export function resolveRange(key: string, range: ByteRange, size: number): ResolvedRange {
  assertWellFormedRange(key, range);
  if ('suffix' in range) {
    if (range.suffix === 0 || size === 0) throw new RangeNotSatisfiableError(key, size);
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  if (range.start >= size) throw new RangeNotSatisfiableError(key, size);
  const end = range.end === undefined ? size - 1 : Math.min(range.end, size - 1);
  return { start: range.start, end };
}

/** Rejects ranges that are wrong whatever the file's size (negative, reversed, fractional). */
export function assertWellFormedRange(key: string, range: ByteRange): void {
  const isOffset = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n) && n >= 0);
  const ok =
    'suffix' in range
      ? isOffset(range.suffix)
      : isOffset(range.start) && isOffset(range.end) && (range.end === undefined || range.end >= range.start);
  if (!ok) throw new RangeNotSatisfiableError(key, Number.NaN);
}
