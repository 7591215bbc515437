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

/** How far a part may depart from the plan to fit the request that fills it. */
export interface PartFit {
  /**
   * Parts may differ from the plan's size: off where every part but the last must be
   * equal (`requireEqualParts`, R2).
   */
  fitToBody: boolean;
  /** The smallest part S3 takes (but the last). */
  minPartSize: number;
  /** The part budget of the upload. */
  maxParts: number;
}

/**
 * The length of part `partNumber`, which starts at `start` with `initial` bytes already
 * received (the remainder of the previous PATCH): the plan's, unless the request's
 * bytes, `available` from the part's start when the body declares its length, end near
 * it — then no remainder is left for the next PATCH: a tail shorter than S3's smallest
 * part joins this part, and a body that ends inside this part makes it a shorter part of
 * its own when S3 takes one that short and the rest of the upload still fits in the
 * part budget. So a client's chunks of 5 MiB or more become parts as they are.
 */
export function partLength(
  partNumber: number,
  start: number,
  plan: { partSize: number; size: number | undefined },
  initial: number,
  available: number | undefined,
  fit: PartFit,
): number {
  const { partSize, size } = plan;
  if (size === undefined) return Math.max(partSize, initial);
  // A remainder longer than a planned part: the tail of an interrupted longer part.
  const planned = Math.min(Math.max(partSize, initial), size - start);
  if (!fit.fitToBody || available === undefined) return planned;
  if (available >= planned) {
    const tail = available - planned;
    return tail > 0 && tail < fit.minPartSize && planned + tail <= MAX_PART_SIZE ? planned + tail : planned;
  }
  const partsAfter = Math.ceil((size - start - available) / partSize);
  return available >= fit.minPartSize && partNumber + partsAfter <= fit.maxParts ? available : planned;
}
