import { mkdir, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RESERVED_FOLDER, StorageError } from '@stowage/storage';
import { RootedPaths } from './rooted-paths.js';
import { TempFiles } from './temp-files.js';

/** Temporary files idle this long belong to a write that died with its process. */
export const STALE_TEMP_FILE_AGE_MS = 24 * 60 * 60 * 1000;

/** The prepared root folder of a local location: its paths, reserved folder and temporary files. */
export interface LocalRoot {
  paths: RootedPaths;
  reservedFolder: string;
  tempFiles: TempFiles;
}

/** Creates the root and its reserved folders if missing, and clears crash leftovers. */
export async function openLocalRoot(root: string): Promise<LocalRoot> {
  const path = resolve(root);
  try {
    await mkdir(path, { recursive: true });
    const reservedFolder = join(path, RESERVED_FOLDER);
    const tempFiles = new TempFiles(join(reservedFolder, 'tmp'));
    await tempFiles.prepare();
    await tempFiles.sweep(STALE_TEMP_FILE_AGE_MS);
    return { paths: new RootedPaths(path, await realpath(path)), reservedFolder, tempFiles };
  } catch (error) {
    throw new StorageError(`Cannot prepare the local storage root "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}
