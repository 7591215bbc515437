import { StorageError } from '@stowage/storage';

interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The object (or multipart upload) is definitely not there, as opposed to unreachable. */
export function isGone(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as SdkError;
  return (
    name === 'NoSuchKey' ||
    name === 'NoSuchUpload' ||
    name === 'NotFound' ||
    $metadata?.httpStatusCode === 404
  );
}

/**
 * A storage failure as @tus/server answers it: a 5xx with a generic body (the cause,
 * which names bucket and key, stays for the logs), so that clients retry instead of
 * restarting the upload from zero as tus-js-client does on a 4xx.
 */
export class UploadStorageError extends StorageError {
  readonly status_code = 503;
  readonly body = 'The storage is unavailable, try again later\n';
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
