import { access, mkdir, rename, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoOf } from './fs-errors.js';
import { isWithin } from './rooted-paths.js';

/** A concurrent delete may prune the folder we just created; that many retries outlast it. */
const MAX_ATTEMPTS = 5;

/**
 * Renames a file to `destination`, creating its folders: atomic on one file system, so
 * readers see the old file or the new one. Throws the raw errno error (EXDEV included).
 */
export async function placeFile(source: string, destination: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(dirname(destination), { recursive: true });
      await rename(source, destination);
      return;
    } catch (error) {
      const sourceStillThere = await access(source).then(
        () => true,
        () => false,
      );
      if (errnoOf(error) !== 'ENOENT' || !sourceStillThere || attempt === MAX_ATTEMPTS) throw error;
    }
  }
}

/** Removes the folders left empty by a delete or move, from `folder` up to (not including) `root`. */
export async function pruneEmptyFolders(folder: string, root: string): Promise<void> {
  for (let current = folder; current !== root && isWithin(root, current); current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone): the folders above are not empty either
    }
  }
}
