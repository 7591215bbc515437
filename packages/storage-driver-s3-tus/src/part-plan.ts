import { MAX_PART_SIZE } from '@stowage/storage-driver-s3';
import { ERRORS } from '@tus/utils';

const MiB = 1024 ** 2;

export interface PartPlanOptions {
  chunkSize: number;
  maxParts: number;
  /** Length planned for when the upload's length is deferred. */
  deferredLengthMaxSize: number;
}

/**
 * The size of every part of an upload but its last, fixed at creation: the location's
 * chunk size, raised (to whole MiB) so that the length fits in the part budget. Equal
 * parts are what R2 requires, and a plan that never changes means an interrupted PATCH
 * cannot add a short part in the middle.
 */
export function planPartSize(length: number | undefined, options: PartPlanOptions): number {
  const planned = length ?? options.deferredLengthMaxSize;
  const needed = Math.ceil(planned / options.maxParts);
  const partSize = needed <= options.chunkSize ? options.chunkSize : Math.ceil(needed / MiB) * MiB;
  if (partSize > MAX_PART_SIZE) throw ERRORS.ERR_MAX_SIZE_EXCEEDED;
  return partSize;
}

/** How many parts an upload of this length has under the plan (an empty upload has none). */
export function partCount(length: number, partSize: number): number {
  return Math.ceil(length / partSize);
}

/** The size part `partNumber` (1-based) must have; the last one takes what is left. */
export function expectedPartSize(partNumber: number, partSize: number, length: number | undefined): number {
  if (length === undefined) return partSize;
  return Math.min(partSize, length - (partNumber - 1) * partSize);
}

/** Bytes covered by the first `count` planned parts. */
export function bytesOfParts(count: number, plan: { partSize: number; size?: number | undefined }): number {
  return count === 0 ? 0 : (count - 1) * plan.partSize + expectedPartSize(count, plan.partSize, plan.size);
}
