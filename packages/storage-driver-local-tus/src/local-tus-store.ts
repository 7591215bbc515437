import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  InsufficientStorageError,
  InvalidKeyError,
  NotFoundError,
  RESERVED_FOLDER,
  StorageError,
} from '@stowage/storage';
import type { LocalDriver } from '@stowage/storage-driver-local';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import {
  errnoOf,
  isRecordFile,
  readRecord,
  removeIfPresent,
  sizeOf,
  type UploadFiles,
  type UploadRecord,
  uploadFilesOf,
  writeRecord,
} from './upload-files.js';

export interface LocalTusStoreOptions {
  /** The location finished uploads land in, at the key that is the upload id. */
  driver: LocalDriver;
  /** Milliseconds an upload may stay unfinished, counted from its creation; 0 never expires. */
  expiration: number;
}

interface Folders {
  root: string;
  /** `<root>/.stowage/tus`: on the root's file system, so that a finished upload is renamed into place. */
  uploads: string;
}

/**
 * A @tus/server DataStore over a local location. An upload's bytes collect in
 * `.stowage/tus/<id>.part`, flushed to disk before each PATCH is acknowledged, so the
 * offset after a crash is what the disk holds. Once complete, the file is renamed to
 * the key (the upload id): readers never see a partial file there. The record
 * (`<id>.json`) stays, so the finished upload still answers HEAD and termination.
 *
 * Upload ids are keys at the root, without folders: @tus/server's URLs cannot carry a
 * "/" in an id anyway, and a file directly in the root cannot be led outside it by a
 * symbolic link. Uploads are locked by @tus/server's locker, within one process only:
 * two processes must not serve the same uploads.
 */
export class LocalTusStore extends DataStore {
  readonly #driver: LocalDriver;
  readonly #expiration: number;
  #folders: Promise<Folders> | undefined;

  constructor({ driver, expiration }: LocalTusStoreOptions) {
    super();
    this.#driver = driver;
    this.#expiration = expiration;
    this.extensions = [
      'creation',
      'creation-with-upload',
      'creation-defer-length',
      'termination',
      ...(expiration > 0 ? ['expiration'] : []),
    ];
  }

  override async create(upload: Upload): Promise<Upload> {
    // The id comes from the server's namingFunction: a key that cannot be an upload's is its bug.
    const key = assertValidKey(upload.id);
    if (key.includes('/'))
      throw new InvalidKeyError(key, 'resumable uploads land at the root: no "/" in an upload id');
    const files = await this.#filesOf(key);
    try {
      await writeRecord(files, {
        id: key,
        size: upload.size,
        metadata: upload.metadata,
        creation_date: upload.creation_date ?? new Date().toISOString(),
      });
      // After the record: a crash in between leaves a record without bytes, which expires.
      await writeFile(files.part, '', { flush: true });
      if (upload.size === 0) await this.#complete(files, key, 0);
    } catch (error) {
      throw failure(error, key);
    }
    upload.storage = storageOf(key);
    return upload;
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const files = await this.#filesOf(this.#knownKey(id));
    const part = createWriteStream(files.part, { flags: 'r+', start: offset, flush: true });
    try {
      await pipeline(readable, part);
    } catch (error) {
      // Only the disk runs out of space (pipeline hands its error to the request stream too).
      if (isNoSpace(error)) {
        // The bytes of this PATCH were not acknowledged: giving their space back lets the
        // location (and its health probe) work again; the acknowledged ones stay.
        await truncate(files.part, offset).catch(() => {});
        throw failure(error, id);
      }
      // The request's own failures (aborted, too large) keep their tus status; what was written stays.
      if (readable.errored) throw readable.errored;
      throw failure(error, id);
    }
    const newOffset = offset + part.bytesWritten;
    try {
      const record = await readRecord(files.record);
      if (record?.size === newOffset) await this.#complete(files, id, newOffset);
    } catch (error) {
      throw failure(error, id);
    }
    return newOffset;
  }

  override async getUpload(id: string): Promise<Upload> {
    const files = await this.#filesOf(this.#knownKey(id));
    try {
      const record = await this.#recordOf(files);
      const offset = await sizeOf(files.part);
      if (offset !== undefined) {
        // All bytes but not renamed yet: the process died in between, or the rename failed.
        if (offset === record.size) await this.#complete(files, id, offset);
        return uploadOf(record, offset);
      }
      if (await this.#isFinished(id, record.size)) return uploadOf(record, record.size!);
    } catch (error) {
      throw failure(error, id);
    }
    throw ERRORS.FILE_NO_LONGER_EXISTS;
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    const files = await this.#filesOf(this.#knownKey(id));
    try {
      await writeRecord(files, { ...(await this.#recordOf(files)), size: length });
    } catch (error) {
      throw failure(error, id);
    }
  }

  /** Removes the bytes received, or the finished file; 404 once the upload is gone, so a repeat touches nothing. */
  override async remove(id: string): Promise<void> {
    const files = await this.#filesOf(this.#knownKey(id));
    try {
      const record = await this.#recordOf(files);
      if (!(await removeIfPresent(files.part)) && (await this.#isFinished(id, record.size))) {
        await this.#driver.delete(id);
      }
      await removeIfPresent(files.record);
      await removeIfPresent(files.recordDraft);
    } catch (error) {
      throw failure(error, id);
    }
  }

  /**
   * Removes the unfinished uploads past their expiration; counts them. The records of
   * finished uploads past it go too (the server answers 410 for them by then), never
   * their files; an upload whose bytes are all received is completed, not removed.
   */
  override async deleteExpired(): Promise<number> {
    if (this.#expiration <= 0) return 0;
    const { uploads } = await this.#ready();
    const now = Date.now();
    let removed = 0;
    for (const name of (await readdir(uploads)).filter(isRecordFile)) {
      const record = await readRecord(join(uploads, name));
      if (record === undefined || now <= this.#expiresAt(record)) continue;
      const files = uploadFilesOf(uploads, record.id);
      if (record.size !== undefined && (await sizeOf(files.part)) === record.size) {
        await this.#complete(files, record.id, record.size);
      } else if (await removeIfPresent(files.part)) removed++;
      await removeIfPresent(files.record);
      await removeIfPresent(files.recordDraft);
    }
    return removed;
  }

  override getExpiration(): number {
    return this.#expiration;
  }

  #expiresAt(record: UploadRecord): number {
    return new Date(record.creation_date).getTime() + this.#expiration;
  }

  /** Ids come from request URLs: one that cannot be an upload's names no upload. */
  #knownKey(id: string): string {
    try {
      if (!id.includes('/')) return assertValidKey(id);
    } catch {}
    throw ERRORS.FILE_NOT_FOUND;
  }

  async #filesOf(key: string): Promise<UploadFiles> {
    return uploadFilesOf((await this.#ready()).uploads, key);
  }

  async #recordOf(files: UploadFiles): Promise<UploadRecord> {
    const record = await readRecord(files.record);
    if (record === undefined) throw ERRORS.FILE_NOT_FOUND;
    return record;
  }

  /** Renames the complete bytes to the key; a concurrent completion (HEAD repairing one) may have done it already. */
  async #complete(files: UploadFiles, key: string, size: number): Promise<void> {
    const { root } = await this.#ready();
    try {
      await rename(files.part, join(root, key));
    } catch (error) {
      if (errnoOf(error) === 'ENOENT' && (await this.#isFinished(key, size))) return;
      throw error;
    }
  }

  /** No bytes left in the folder: the upload finished if a file of its size sits at its key. */
  async #isFinished(key: string, size: number | undefined): Promise<boolean> {
    if (size === undefined) return false;
    try {
      return (await this.#driver.stat(key)).size === size;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /** Prepares the folders on first use; a failure is retried on the next call. */
  #ready(): Promise<Folders> {
    this.#folders ??= (async () => {
      const root = resolve(this.#driver.options.root);
      const uploads = join(root, RESERVED_FOLDER, 'tus');
      await mkdir(uploads, { recursive: true });
      return { root, uploads };
    })().catch((error) => {
      this.#folders = undefined;
      throw error;
    });
    return this.#folders;
  }
}

function storageOf(key: string): Upload['storage'] {
  return { type: 'local', path: key };
}

function uploadOf(record: UploadRecord, offset: number): Upload {
  return new Upload({ ...record, offset, storage: storageOf(record.id) });
}

const isNoSpace = (error: unknown) => errnoOf(error) === 'ENOSPC' || errnoOf(error) === 'EDQUOT';

/** tus errors keep their status; file system failures become storage errors that name the upload, not local paths. */
function failure(error: unknown, id: string): unknown {
  if (
    error instanceof StorageError ||
    (error as { status_code?: unknown } | null)?.status_code !== undefined
  ) {
    return error;
  }
  const reason = errnoOf(error) ?? (error as Error)?.message;
  if (isNoSpace(error)) {
    return new InsufficientStorageError(`Resumable upload "${id}": no space left on the local disk`, {
      cause: error,
    });
  }
  return new StorageError(`Resumable upload "${id}" failed on the local disk (${reason})`, { cause: error });
}
