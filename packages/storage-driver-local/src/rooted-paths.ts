import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { ForbiddenError } from '@stowage/storage';
import { errnoOf } from './fs-errors.js';

/** Whether `path` is `folder` or lies below it (both absolute, normalised). */
export function isWithin(folder: string, path: string): boolean {
  const rest = relative(folder, path);
  return rest === '' || (rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest));
}

/**
 * Turns validated keys into paths under the root and keeps them there: lexically, and
 * once symbolic links are resolved, so that a link inside the root pointing outside is
 * refused (ForbiddenError) rather than followed. Links that stay inside are followed.
 */
export class RootedPaths {
  constructor(
    readonly root: string,
    private readonly realRoot: string,
  ) {}

  /** `key` must already be a valid key or a prefix without its trailing "/". */
  async locate(key: string): Promise<string> {
    const path = join(this.root, ...key.split('/'));
    if (!isWithin(this.root, path) || !(await this.resolvesWithin(path))) {
      throw new ForbiddenError(`"${key}" leads outside the storage root through a symbolic link`);
    }
    return path;
  }

  /** Whether the deepest existing ancestor of `path` (or `path` itself) really lies in the root. */
  async resolvesWithin(path: string): Promise<boolean> {
    for (let current = path; isWithin(this.root, current); current = dirname(current)) {
      try {
        return isWithin(this.realRoot, await realpath(current));
      } catch (error) {
        const code = errnoOf(error);
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      }
    }
    return false;
  }
}
