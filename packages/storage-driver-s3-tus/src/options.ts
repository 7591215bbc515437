import { byteSize, duration, envInteger } from '@stowage/storage';
import { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from '@stowage/storage-driver-s3';
import { z } from 'zod';

const MiB = 1024 ** 2;

/**
 * Options of the resumable-upload store (`STORAGE_<NAME>_TUS__<OPTION>`). Every part of
 * an upload but its last has the same size, fixed when the upload is created.
 */
export const tusOptionsSchema = z
  .strictObject({
    /** Preferred part size; raised per upload so that its length fits in `maxParts`. */
    chunkSize: byteSize({ min: MIN_PART_SIZE, max: MAX_PART_SIZE }).default(8 * MiB),
    /** Part budget of one upload (S3 allows 10,000). */
    maxParts: envInteger({ min: 1, max: MAX_PARTS }).default(MAX_PARTS),
    /** Part uploads in flight in this process, all uploads together. */
    maxConcurrentPartUploads: envInteger({ min: 1, max: 1000 }).default(60),
    /**
     * Bytes of parts buffered in memory, all uploads together. Uploads so large that
     * their parts would exceed it are refused (413). The default keeps the API under
     * 256 MiB of RSS with 200 uploads at once, and is still 6 default parts in flight:
     * as many as RGW on two cores takes at once.
     */
    memoryBudget: byteSize({ min: MIN_PART_SIZE }).default(48 * MiB),
    /**
     * Length assumed when planning the parts of an upload whose length is deferred; such
     * an upload cannot grow past the plan's `maxParts` parts. Default: chunkSize × maxParts.
     */
    deferredLengthMaxSize: byteSize({ min: 1 }).optional(),
    /** How long an unfinished upload lives after its creation; 0 keeps it forever. */
    expiration: duration().default(24 * 3_600_000),
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
