import type { CreateMultipartUploadCommandInput, S3Client } from '@aws-sdk/client-s3';
import type { StorageError } from '@stowage/storage';
import type { ProviderQuirks } from '@stowage/storage-driver-s3';

/**
 * What the store needs of an S3 location: the S3 driver provides all of it, so a store
 * can be built on any S3Driver (and on nothing else that knows S3).
 */
export interface S3Location {
  readonly client: S3Client;
  readonly bucket: string;
  /** The quirks in effect (equal parts, for concatenation). */
  readonly provider: Pick<ProviderQuirks, 'requireEqualParts'>;
  /** The S3 key of a file: validates the key and prefixes the location's root. */
  objectKey(key: string): string;
  /** The S3 key of the storage layer's own file `path` (under the reserved `.stowage/`). */
  internalKey(path: string): string;
  /** ACL and server-side encryption for every object the location writes. */
  objectWriteParams(): Pick<
    CreateMultipartUploadCommandInput,
    'ACL' | 'ServerSideEncryption' | 'SSEKMSKeyId'
  >;
  mapError(error: unknown, key: string, operation: string): StorageError;
  /**
   * Runs `work` with a client whose CreateMultipartUpload leaves a marker first: a
   * multipart upload that `work` started and then failed is aborted at once, or later
   * by the location's leftover sweep when even that failed (or the process died).
   */
  trackMultipart<T>(work: (client: S3Client) => Promise<T>): Promise<T>;
}
