import type { Dirent } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assertValidKey } from '@stowage/storage';
import { errnoOf } from './fs-errors.js';

type Kind = 'file' | 'folder' | 'other';

interface Entry {
  name: string;
  kind: Kind;
  /** The entry's name as it sorts among keys: folders with their "/" appended. */
  sortKey: Buffer;
}

export interface WalkOptions {
  /** Names in the walk's first folder to leave out (the reserved folder at the root). */
  hidden?: ReadonlySet<string>;
  /** Whether a symbolic link's target may be listed; links to folders are never descended (no cycles). */
  isAllowedLink(path: string): Promise<boolean>;
}

/**
 * Yields the keys of the files below `folder` whose name in it starts with `namePrefix`,
 * in UTF-8 byte order of the whole key (as S3 lists), reading one folder at a time.
 * Sorting a folder "a" as "a/" puts it after "a-b" and "a.txt", as its keys sort.
 */
export async function* walkFiles(
  folder: string,
  keyPrefix: string,
  namePrefix: string,
  options: WalkOptions,
): AsyncGenerator<string> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = errnoOf(error);
    // Nothing there, or a folder pruned by a concurrent delete: no keys.
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw error;
  }
  const candidates = dirents.filter(
    (dirent) => dirent.name.startsWith(namePrefix) && !options.hidden?.has(dirent.name),
  );
  const entries = await Promise.all(candidates.map((dirent) => entryOf(dirent, folder, options)));
  entries.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));

  for (const entry of entries) {
    const key = `${keyPrefix}${entry.name}`;
    if (entry.kind === 'folder')
      yield* walkFiles(join(folder, entry.name), `${key}/`, '', { ...options, hidden: undefined });
    else if (entry.kind === 'file' && isValidKey(key)) yield key;
  }
}

async function entryOf(dirent: Dirent, folder: string, options: WalkOptions): Promise<Entry> {
  const kind = await kindOf(dirent, join(folder, dirent.name), options);
  return {
    name: dirent.name,
    kind,
    sortKey: Buffer.from(kind === 'folder' ? `${dirent.name}/` : dirent.name),
  };
}

async function kindOf(dirent: Dirent, path: string, options: WalkOptions): Promise<Kind> {
  if (dirent.isFile()) return 'file';
  if (dirent.isDirectory()) return 'folder';
  // Some file systems do not report entry types: ask, without following links.
  const stats = dirent.isSymbolicLink() ? undefined : await lstat(path).catch(() => undefined);
  if (stats?.isFile()) return 'file';
  if (stats?.isDirectory()) return 'folder';
  if (!dirent.isSymbolicLink() && !stats?.isSymbolicLink()) return 'other';
  const target = await stat(path).catch(() => undefined);
  return target?.isFile() && (await options.isAllowedLink(path)) ? 'file' : 'other';
}

/** Files named in ways keys cannot be (a backslash, say) were not written through a driver: skip them. */
function isValidKey(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}
