import {
  ConflictError,
  ForbiddenError,
  InsufficientStorageError,
  NotFoundError,
  StorageError,
} from '@stowage/storage';

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Maps a file system failure on `key` onto the storage errors, keeping it as the cause. */
export function storageErrorFrom(error: unknown, key: string): StorageError {
  if (error instanceof StorageError) return error;
  switch (errnoOf(error)) {
    case 'ENOENT':
      return new NotFoundError(key, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new ForbiddenError(`Permission denied on "${key}"`, { cause: error });
    case 'ENOSPC':
    case 'EDQUOT':
      return new InsufficientStorageError(`No space left for "${key}"`, { cause: error });
    case 'EISDIR':
    case 'ENOTDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new ConflictError(`"${key}" collides with a folder, or a file where a folder is needed`, {
        cause: error,
      });
    default:
      return new StorageError(`Local storage failed on "${key}": ${(error as Error)?.message}`, {
        cause: error,
      });
  }
}

/**
 * For operations that look a file up: a key below a file (ENOTDIR) or naming a folder
 * has no file either, as on an object store, rather than conflicting with anything.
 */
export function lookupErrorFrom(error: unknown, key: string): StorageError {
  const code = errnoOf(error);
  if (code === 'ENOTDIR' || code === 'EISDIR') return new NotFoundError(key, { cause: error });
  return storageErrorFrom(error, key);
}
