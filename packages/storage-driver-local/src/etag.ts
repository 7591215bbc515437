import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';

/**
 * Every write and copy renames a new inode into place, and in-place edits by other
 * programs move the nanosecond mtime, so (inode, size, mtime) changes with the content
 * without hashing the content itself.
 */
export function etagOf(stats: BigIntStats): string {
  return createHash('sha256')
    .update(`${stats.ino}:${stats.size}:${stats.mtimeNs}`)
    .digest('hex')
    .slice(0, 32);
}
