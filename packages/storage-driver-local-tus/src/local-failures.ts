import { InsufficientStorageError, StorageError } from '@stowage/storage';
import { errnoOf } from './upload-files.js';

/** The disk (or the user's quota on it) is full. */
export const isNoSpace = (error: unknown) => errnoOf(error) === 'ENOSPC' || errnoOf(error) === 'EDQUOT';

/** tus errors keep their status; file system failures become storage errors that name the upload, not local paths. */
export function failure(error: unknown, id: string): unknown {
  if (
    error instanceof StorageError ||
    (error as { status_code?: unknown } | null)?.status_code !== undefined
  ) {
    return error;
  }
  const reason = errnoOf(error) ?? (error as Error)?.message;
  if (isNoSpace(error)) {
    return new InsufficientStorageError(`Resumable upload "${id}": no space left on the local disk`, {
      cause: error,
    });
  }
  return new StorageError(`Resumable upload "${id}" failed on the local disk (${reason})`, { cause: error });
}
