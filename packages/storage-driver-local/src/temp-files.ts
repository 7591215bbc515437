import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Temporary files live in the root's reserved folder, on the same file system as the
 * files, so that renaming one into place is atomic.
 */
export class TempFiles {
  constructor(readonly folder: string) {}

  newPath(): string {
    return join(this.folder, `${randomUUID()}.tmp`);
  }

  async prepare(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
  }

  /**
   * Removes leftovers of crashed writes. An in-flight write keeps touching its file's
   * mtime, so only files idle for `maxIdleMs` go, even when another process shares the root.
   */
  async sweep(maxIdleMs: number, now = Date.now()): Promise<void> {
    for (const name of await readdir(this.folder)) {
      const path = join(this.folder, name);
      // Another process may sweep or finish the same file meanwhile: any failure just skips it.
      const stats = await stat(path).catch(() => undefined);
      if (stats && now - stats.mtimeMs > maxIdleMs) await rm(path, { force: true }).catch(() => {});
    }
  }
}
