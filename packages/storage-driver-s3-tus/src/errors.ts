import { InvalidConfigError, StorageError } from '@stowage/storage';
import type { S3Location } from './location.js';

/**
 * A storage failure as @tus/server answers it: a 5xx with a generic body (the cause,
 * which names bucket and key, stays for the logs), so that clients retry instead of
 * restarting the upload from zero as tus-js-client does on a 4xx.
 */
export class UploadStorageError extends StorageError {
  readonly status_code = 503;
  readonly body = 'The storage is unavailable, try again later\n';
}

/**
 * The location is set up wrong (its bucket does not exist): the operator's to fix, never
 * "upload not found", which would make clients start over. A 5xx, so they retry later.
 */
export class UploadConfigError extends InvalidConfigError {
  readonly status_code = 500;
  readonly body = 'The storage location is misconfigured, try again later\n';
}

/** The store found an upload in a state it must not build on (a gap, a wrong size): nothing a retry fixes. */
export class CorruptUploadError extends StorageError {
  readonly status_code = 500;
  readonly body = 'The upload cannot be completed\n';
}

/** A tus error or one of ours: it says what to answer, and retrying cannot change it. */
export function hasAnswer(error: unknown): error is { status_code: number; body: string } {
  return typeof (error as { status_code?: unknown } | null)?.status_code === 'number';
}

/** Any failure of an upload's S3 requests as an error @tus/server answers (tus errors pass as they are). */
export function asUploadError(location: S3Location, error: unknown, id: string, operation: string): unknown {
  if (hasAnswer(error)) return error;
  const mapped = location.mapError(error, id, operation);
  if (mapped instanceof InvalidConfigError) return new UploadConfigError(mapped.message, { cause: error });
  return new UploadStorageError(mapped.message, { cause: error });
}
