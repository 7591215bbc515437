import { createWriteStream } from 'node:fs';
import { constants, copyFile, open, rm, stat, statfs, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { addAbortSignal } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  assertValidPrefix,
  type Driver,
  type FileStat,
  type FreeSpace,
  type HealthProbe,
  type HealthReport,
  isReservedKey,
  type LeftoverSweep,
  NotFoundError,
  RESERVED_FOLDER,
  type ReadOptions,
  resolveRange,
  type ServerSideCopy,
  type SweepOptions,
  type SweepReport,
  type WriteOptions,
} from '@stowage/storage';
import { etagOf } from './etag.js';
import { errnoOf, lookupErrorFrom, storageErrorFrom } from './fs-errors.js';
import { probeFolder } from './health-probe.js';
import { type LocalRoot, openLocalRoot } from './local-root.js';
import { type LocalDriverOptions, localDriverOptionsSchema } from './options.js';
import { placeFile, pruneEmptyFolders } from './place-file.js';
import { walkFiles } from './walk.js';

const HIDDEN_AT_ROOT = new Set([RESERVED_FOLDER]);

/**
 * Files in a folder of the local disk. Writes and copies go to a temporary file in the
 * root's reserved folder, are flushed, then renamed into place: readers never see a
 * partial file, and a failed write leaves nothing. Content types are not kept (stat
 * reports none): the API keeps them in its database.
 */
export class LocalDriver implements Driver, HealthProbe, ServerSideCopy, LeftoverSweep, FreeSpace {
  static readonly optionsSchema = localDriverOptionsSchema;

  #root: Promise<LocalRoot> | undefined;

  constructor(readonly options: LocalDriverOptions) {}

  async read(key: string, options: ReadOptions = {}): Promise<Readable> {
    const path = await this.#locate(assertValidKey(key));
    const handle = await open(path, 'r').catch((error) => {
      throw lookupErrorFrom(error, key);
    });
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new NotFoundError(key);
      const range = options.range ? resolveRange(key, options.range, stats.size) : undefined;
      const stream = handle.createReadStream(range ?? {});
      return options.signal ? addAbortSignal(options.signal, stream) : stream;
    } catch (error) {
      await handle.close();
      throw lookupErrorFrom(error, key);
    }
  }

  async write(key: string, content: Readable, options: WriteOptions = {}): Promise<void> {
    // Subscribed before anything is awaited: a source that fails meanwhile (a client
    // hanging up) must fail this write, not the process with an unhandled 'error'.
    // Whichever side fails first is the cause: pipeline hands that error on to the other.
    let failedFirst: 'source' | 'disk' | undefined;
    content.on('error', () => {
      failedFirst ??= 'source';
    });
    const path = await this.#locate(assertValidKey(key));
    const { tempFiles } = await this.#ready();
    const temp = tempFiles.newPath();
    try {
      const file = createWriteStream(temp, { flags: 'wx', flush: true }).on('error', () => {
        failedFirst ??= 'disk';
      });
      await pipeline(content, file, { signal: options.signal });
      await placeFile(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      // The source's own failure (a client hanging up) or an abort is rethrown as it is;
      // the disk's (full, read-only) is the driver's to report.
      if (failedFirst === 'source' || options.signal?.aborted) throw error;
      throw storageErrorFrom(error, key);
    } finally {
      tempFiles.release(temp);
    }
  }

  async stat(key: string): Promise<FileStat> {
    const path = await this.#locate(assertValidKey(key));
    const stats = await stat(path, { bigint: true }).catch((error) => {
      throw lookupErrorFrom(error, key);
    });
    if (!stats.isFile()) throw new NotFoundError(key);
    return { size: Number(stats.size), modified: new Date(Number(stats.mtimeMs)), etag: etagOf(stats) };
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.stat(key);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  async copy(source: string, destination: string): Promise<void> {
    const from = await this.#locate(assertValidKey(source));
    const to = await this.#locate(assertValidKey(destination));
    await this.#copyFile(from, source, to, destination);
  }

  async move(source: string, destination: string): Promise<void> {
    const from = await this.#locate(assertValidKey(source));
    const to = await this.#locate(assertValidKey(destination));
    await this.#assertFile(from, source);
    try {
      await placeFile(from, to);
    } catch (error) {
      // A folder of the root may be another mount: no rename across it.
      if (errnoOf(error) !== 'EXDEV')
        throw errnoOf(error) === 'ENOENT'
          ? lookupErrorFrom(error, source)
          : storageErrorFrom(error, destination);
      await this.#copyFile(from, source, to, destination);
      await unlink(from).catch((unlinkError) => {
        throw storageErrorFrom(unlinkError, source);
      });
    }
    await pruneEmptyFolders(dirname(from), (await this.#ready()).paths.root);
  }

  async delete(key: string): Promise<void> {
    const path = await this.#locate(assertValidKey(key));
    try {
      await unlink(path);
    } catch (error) {
      // No file at that key (nothing, a folder, a path through a file): nothing to delete.
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errnoOf(error) ?? '')) return;
      throw storageErrorFrom(error, key);
    }
    await pruneEmptyFolders(dirname(path), (await this.#ready()).paths.root);
  }

  async *list(prefix = ''): AsyncGenerator<string> {
    assertValidPrefix(prefix);
    const { paths } = await this.#ready();
    const folderKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    // Keys there would be refused anyway: don't walk the storage layer's own state to find out.
    if (isReservedKey(folderKey.slice(0, -1))) return;
    const folder = folderKey ? await this.#locate(folderKey.slice(0, -1)) : paths.root;
    const walk = walkFiles(folder, folderKey, prefix.slice(folderKey.length), {
      hidden: folderKey ? undefined : HIDDEN_AT_ROOT,
      isAllowedLink: (path) => paths.resolvesWithin(path),
    });
    try {
      yield* walk;
    } catch (error) {
      throw storageErrorFrom(error, prefix);
    }
  }

  canCopyFrom(source: Driver): boolean {
    return source instanceof LocalDriver;
  }

  async copyFrom(source: Driver, sourceKey: string, destinationKey: string): Promise<void> {
    if (!(source instanceof LocalDriver))
      throw new TypeError('LocalDriver copies only from another LocalDriver');
    const from = await source.#locate(assertValidKey(sourceKey));
    const to = await this.#locate(assertValidKey(destinationKey));
    await this.#copyFile(from, sourceKey, to, destinationKey);
  }

  probe(): Promise<HealthReport> {
    return probeFolder(async () => (await this.#ready()).reservedFolder);
  }

  /** Temporary files of writes and copies that died with their process (idle for `idleFor`). */
  async sweepLeftovers({ idleFor }: SweepOptions): Promise<SweepReport> {
    return { removed: await (await this.#ready()).tempFiles.sweep(idleFor) };
  }

  /** What the root's file system still has for an unprivileged writer. */
  async freeSpace(): Promise<number> {
    const { paths } = await this.#ready();
    const stats = await statfs(paths.root).catch((error) => {
      throw storageErrorFrom(error, '');
    });
    return stats.bavail * stats.bsize;
  }

  /** Prepares the root on first use; a failure is retried on the next call. */
  #ready(): Promise<LocalRoot> {
    this.#root ??= openLocalRoot(this.options.root).catch((error) => {
      this.#root = undefined;
      throw error;
    });
    return this.#root;
  }

  async #locate(key: string): Promise<string> {
    const { paths } = await this.#ready();
    return paths.locate(key).catch((error) => {
      throw storageErrorFrom(error, key);
    });
  }

  async #assertFile(path: string, key: string): Promise<void> {
    const stats = await stat(path).catch((error) => {
      throw lookupErrorFrom(error, key);
    });
    if (!stats.isFile()) throw new NotFoundError(key);
  }

  /** Copies through a flushed temporary file (a reflink where the file system can), then renames it into place. */
  async #copyFile(from: string, sourceKey: string, to: string, destinationKey: string): Promise<void> {
    await this.#assertFile(from, sourceKey);
    const { tempFiles } = await this.#ready();
    const temp = tempFiles.newPath();
    try {
      await copyFile(from, temp, constants.COPYFILE_FICLONE).catch((error) => {
        throw errnoOf(error) === 'ENOENT' ? lookupErrorFrom(error, sourceKey) : error;
      });
      const handle = await open(temp, 'r+');
      await handle.sync().finally(() => handle.close());
      await placeFile(temp, to);
    } catch (error) {
      await rm(temp, { force: true });
      throw storageErrorFrom(error, destinationKey);
    } finally {
      tempFiles.release(temp);
    }
  }
}
