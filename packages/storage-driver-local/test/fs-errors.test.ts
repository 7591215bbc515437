import {
  ConflictError,
  ForbiddenError,
  InsufficientStorageError,
  NotFoundError,
  StorageError,
} from '@stowage/storage';
import { describe, expect, it } from 'vitest';
import { lookupErrorFrom, storageErrorFrom } from '../src/fs-errors.js';

const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

describe('file system errors', () => {
  it.each([
    ['ENOENT', NotFoundError],
    ['EACCES', ForbiddenError],
    ['EPERM', ForbiddenError],
    ['EISDIR', ConflictError],
    ['ENOTDIR', ConflictError],
    ['ENOSPC', InsufficientStorageError],
    ['EDQUOT', InsufficientStorageError],
    ['EIO', StorageError],
  ])('%s becomes a %O keeping the cause', (code, type) => {
    const cause = errno(code);
    const error = storageErrorFrom(cause, 'some/key');
    expect(error).toBeInstanceOf(type);
    expect(error.cause).toBe(cause);
  });

  it('looking a file up through a file or at a folder finds nothing rather than conflicting', () => {
    expect(lookupErrorFrom(errno('ENOTDIR'), 'file/below')).toBeInstanceOf(NotFoundError);
    expect(lookupErrorFrom(errno('EISDIR'), 'folder')).toBeInstanceOf(NotFoundError);
  });
});
