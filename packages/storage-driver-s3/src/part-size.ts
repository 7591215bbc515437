import { MAX_PARTS, MIN_PART_SIZE } from './limits.js';

const MiB = 1024 ** 2;
/** Large enough that a GiB goes in ~128 requests, small enough to buffer a few at once. */
const DEFAULT_PART_SIZE = 8 * MiB;

/** The smallest part size (a whole number of MiB, at least `floor`) that fits `size` in 10,000 parts. */
export function partSizeFor(size: number, floor = DEFAULT_PART_SIZE): number {
  const needed = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  return Math.max(floor, MIN_PART_SIZE, needed);
}
