import { byteSize, envInteger } from '@stowage/storage';
import { z } from 'zod';

const MiB = 1024 ** 2;
const GiB = 1024 * MiB;
/** S3's smallest part (every part but the last). */
export const S3_MIN_PART_SIZE = 5 * MiB;
/** S3's largest part. */
export const S3_MAX_PART_SIZE = 5 * GiB;
/** S3's most parts in one multipart upload. */
export const S3_MAX_PARTS = 10_000;

const DURATION = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/i;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds from a number, or a string like `90s`, `30m`, `24h`, `7d` (a bare number is ms). */
const duration = z.unknown().transform((input, ctx): number => {
  const match = typeof input === 'string' ? DURATION.exec(input) : undefined;
  const value =
    typeof input === 'number'
      ? input
      : match
        ? Number(match[1]) * DURATION_UNITS[(match[2] ?? 'ms').toLowerCase()]!
        : NaN;
  if (!Number.isSafeInteger(value) || value < 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration like 86400000 (ms), 90s, 30m, 24h or 7d' });
    return z.NEVER;
  }
  return value;
});

/**
 * Options of the resumable-upload store (`STORAGE_<NAME>_TUS__<OPTION>`). Every part of
 * an upload but its last has the same size, fixed when the upload is created.
 */
export const tusOptionsSchema = z
  .strictObject({
    /** Preferred part size; raised per upload so that its length fits in `maxParts`. */
    chunkSize: byteSize({ min: S3_MIN_PART_SIZE, max: S3_MAX_PART_SIZE }).default(8 * MiB),
    /** Part budget of one upload (S3 allows 10,000). */
    maxParts: envInteger({ min: 1, max: S3_MAX_PARTS }).default(S3_MAX_PARTS),
    /** Part uploads in flight in this process, all uploads together. */
    maxConcurrentPartUploads: envInteger({ min: 1, max: 1000 }).default(60),
    /**
     * Bytes of parts buffered in memory, all uploads together. Uploads so large that
     * their parts would exceed it are refused (413).
     */
    memoryBudget: byteSize({ min: S3_MIN_PART_SIZE }).default(128 * MiB),
    /**
     * Length assumed when planning the parts of an upload whose length is deferred; such
     * an upload cannot grow past the plan's `maxParts` parts. Default: chunkSize × maxParts.
     */
    deferredLengthMaxSize: byteSize({ min: 1 }).optional(),
    /** How long an unfinished upload lives after its creation; 0 keeps it forever. */
    expiration: duration.default(24 * 3_600_000),
    /** Further attempts at a part that failed (after the SDK's own retries), with backoff. */
    partRetries: envInteger({ min: 0, max: 10 }).default(3),
  })
  .superRefine((options, ctx) => {
    if (options.chunkSize > options.memoryBudget) {
      ctx.addIssue({
        code: 'custom',
        path: ['chunkSize'],
        message: 'cannot exceed tus.memoryBudget (parts are buffered in memory)',
      });
    }
  });

export type TusOptions = z.output<typeof tusOptionsSchema>;
export type TusOptionsInput = z.input<typeof tusOptionsSchema>;
