import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Temporary files live in the root's reserved folder, on the same file system as the
 * files, so that renaming one into place is atomic.
 */
export class TempFiles {
  /** The temporary files of this process's writes and copies in flight: never swept. */
  private readonly live = new Set<string>();

  constructor(readonly folder: string) {}

  /** A fresh path, live until `release` (call it whether the file was placed or removed). */
  newPath(): string {
    const path = join(this.folder, `${randomUUID()}.tmp`);
    this.live.add(path);
    return path;
  }

  release(path: string): void {
    this.live.delete(path);
  }

  async prepare(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
  }

  /**
   * Removes leftovers of crashed writes; answers how many. An in-flight write keeps
   * touching its file's mtime, so only files idle for `maxIdleMs` go, even when another
   * process shares the root; this process's own writes in flight never do.
   */
  async sweep(maxIdleMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.folder)) {
      const path = join(this.folder, name);
      if (this.live.has(path)) continue;
      // Another process may sweep or finish the same file meanwhile: any failure just skips it.
      const stats = await stat(path).catch(() => undefined);
      if (
        stats &&
        now - stats.mtimeMs >= maxIdleMs &&
        (await rm(path).then(
          () => true,
          () => false,
        ))
      )
        removed++;
    }
    return removed;
  }
}
