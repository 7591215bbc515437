import { listParts } from '@stowage/storage-driver-s3';
import type { S3Location } from './location.js';
import { expectedPartSize } from './part-plan.js';
import type { UploadState } from './upload-objects.js';

export interface StoredPart {
  etag: string;
  size: number;
}

/** The parts S3 holds for the upload, every page of them (ListParts answers 1,000 at most). */
export async function listStoredParts(
  location: S3Location,
  state: UploadState,
): Promise<Map<number, StoredPart>> {
  const parts = new Map<number, StoredPart>();
  const upload = { bucket: location.bucket, key: state.key, uploadId: state.multipartUploadId };
  for await (const part of listParts(location.client, upload)) {
    parts.set(part.PartNumber!, { etag: part.ETag!, size: part.Size! });
  }
  return parts;
}

/**
 * How many parts, from the first, are stored with the size the plan gives them. Only
 * these count: a part after a gap (or of a wrong size) is sent again by the client,
 * and an upload is never completed over a gap.
 */
export function contiguousPartCount(parts: ReadonlyMap<number, StoredPart>, state: UploadState): number {
  let count = 0;
  while (parts.get(count + 1)?.size === expectedPartSize(count + 1, state.partSize, state.size)) count++;
  return count;
}
