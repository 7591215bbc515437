import { InvalidKeyError } from './errors.js';

/**
 * The folder, at the root of every location, where the storage layer keeps its own
 * files (temporary files, resumable upload state). Users' keys can never name it and
 * listings never show it, so that state lives beside the data (same disk, same bucket:
 * atomic renames, one place to back up) without ever colliding with a file.
 */
export const RESERVED_FOLDER = '.stowage';

export function isReservedKey(key: string): boolean {
  return key === RESERVED_FOLDER || key.startsWith(`${RESERVED_FOLDER}/`);
}

/**
 * Keys are relative, `/`-separated paths. A key that could escape a location's root
 * or prefix, or that not every driver can store, is refused the same way everywhere.
 */
export function assertValidKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'empty key');
  assertSafePath(key);
  if (key.endsWith('/')) throw new InvalidKeyError(key, 'a key cannot end with "/"');
  if (isReservedKey(key))
    throw new InvalidKeyError(key, `"${RESERVED_FOLDER}/" is reserved for the storage layer`);
  return key;
}

/** A listing prefix: like a key, but may be empty or end with "/". */
export function assertValidPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  assertSafePath(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}

function assertSafePath(path: string): void {
  if (path.includes('\0')) throw new InvalidKeyError(path, 'NUL bytes are not allowed');
  if (path.includes('\\')) throw new InvalidKeyError(path, 'backslashes are not allowed');
  if (path.startsWith('/')) throw new InvalidKeyError(path, 'absolute paths are not allowed');
  for (const segment of path.split('/')) {
    if (segment === '..' || segment === '.') {
      throw new InvalidKeyError(path, `"${segment}" segments are not allowed`);
    }
    if (segment === '') throw new InvalidKeyError(path, 'empty path segments ("//") are not allowed');
  }
}
