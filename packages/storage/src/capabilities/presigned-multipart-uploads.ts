import type { Driver } from '../driver.js';

export interface StartedMultipartUpload {
  /** The backend's id of the upload, for every later call. */
  uploadId: string;
  /** The part size the driver advises: parts of it fit the upload's size (or its largest object) within the backend's part count. */
  partSize: number;
}

export interface UploadedPart {
  partNumber: number;
  size: number;
  /** As the backend gives it, quotes included: what completion takes back. */
  etag: string;
}

/**
 * Drivers whose clients can send a large file in parts straight to the backend: the
 * application starts, completes and aborts the upload (so it decides what is kept),
 * the client only sends each part to a presigned URL. Completion makes the file appear
 * at its key atomically; until then nothing is at the key.
 */
export interface PresignedMultipartUploads {
  /** The largest part number the backend accepts. */
  readonly maxPartNumber: number;
  startMultipartUpload(
    key: string,
    options: { size?: number; contentType?: string },
  ): Promise<StartedMultipartUpload>;
  presignUploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    options: { expiresIn: number },
  ): Promise<string>;
  /** Every part received so far, by part number; NotFoundError when the upload is gone. */
  listUploadedParts(key: string, uploadId: string): Promise<UploadedPart[]>;
  /** Joins the parts, in part-number order, into the file at `key`. */
  completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly Pick<UploadedPart, 'partNumber' | 'etag'>[],
  ): Promise<void>;
  /** Discards the parts; an upload already gone is not an error. */
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
}

export function hasPresignedMultipartUploads<D extends Driver>(
  driver: D,
): driver is D & PresignedMultipartUploads {
  const candidate = driver as Partial<PresignedMultipartUploads>;
  return (
    typeof candidate.startMultipartUpload === 'function' &&
    typeof candidate.presignUploadPart === 'function' &&
    typeof candidate.completeMultipartUpload === 'function' &&
    typeof candidate.abortMultipartUpload === 'function'
  );
}
