import { mkdir, readdir, rename, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { assertValidKey, InvalidKeyError, NotFoundError, RESERVED_FOLDER } from '@stowage/storage';
import type { LocalDriver } from '@stowage/storage-driver-local';
import {
  BodyChecksum,
  type Concatenation,
  type ConcatRole,
  ContentDigest,
  type ContentDigests,
  currentWriteRequest,
  EMPTY_SHA256,
  EXTENSION_ERRORS,
  isEmptyBody,
  type PartialUpload,
} from '@stowage/tus-extensions';
import { DataStore, ERRORS, type Upload } from '@tus/utils';
import { joinPartials } from './join-partials.js';
import { failure } from './local-failures.js';
import { receiveBody } from './receive-body.js';
import { finalDigestOf, shaOf, storageOf, uploadOf } from './record-views.js';
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
 * `.stowage/tus/<id>.part`; its record (`<id>.json`, replaced atomically) says how many
 * of them were acknowledged, with the SHA-256 state after them: the bytes are flushed,
 * then the record, before a request is answered, so after a crash the offset is what
 * was acknowledged and a checksum mismatch (460) leaves it where it was. Once complete,
 * the file is renamed to the key (the upload id): readers never see a partial file
 * there. The record stays, so the finished upload still answers HEAD and termination;
 * partial uploads (concatenation) stay in the folder until they are joined.
 *
 * Upload ids are keys at the root, without folders: @tus/server's URLs cannot carry a
 * "/" in an id anyway, and a file directly in the root cannot be led outside it by a
 * symbolic link. Uploads are locked by @tus/server's locker, within one process only:
 * two processes must not serve the same uploads.
 */
export class LocalTusStore extends DataStore implements ContentDigests, Concatenation {
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
      'checksum',
      'concatenation',
      ...(expiration > 0 ? ['expiration'] : []),
    ];
  }

  override async create(upload: Upload): Promise<Upload> {
    // The id comes from the server's namingFunction: a key that cannot be an upload's is its bug.
    const key = assertValidKey(upload.id);
    if (key.includes('/'))
      throw new InvalidKeyError(key, 'resumable uploads land at the root: no "/" in an upload id');
    const files = await this.#filesOf(key);
    const partial = currentWriteRequest().concat === 'partial';
    try {
      // The bytes' file first: a crash before the record leaves a file that expiry never sees,
      // but one after it a record whose offset says 0 whatever the file holds.
      await writeFile(files.part, '', { flush: true });
      await writeRecord(files, {
        id: key,
        size: upload.size,
        metadata: upload.metadata,
        creation_date: upload.creation_date ?? new Date().toISOString(),
        offset: 0,
        ...(partial && { concat: { kind: 'partial' as const } }),
      });
      if (upload.size === 0) await this.#complete(files, await this.#recordOf(files), EMPTY_SHA256);
    } catch (error) {
      throw failure(error, key);
    }
    upload.storage = storageOf(key);
    return upload;
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const files = await this.#filesOf(this.#knownKey(id));
    const record = await this.#recordOf(files);
    if (record.concat?.kind === 'final') throw EXTENSION_ERRORS.PATCH_ON_FINAL;
    const acknowledged = await this.#acknowledged(files, record);
    if (acknowledged === undefined) {
      // Finished: an empty request at its end is answered with the offset, as tusd does.
      if (offset === record.size && (await isEmptyBody(readable))) return offset;
      throw ERRORS.INVALID_OFFSET;
    }
    if (offset !== acknowledged) throw ERRORS.INVALID_OFFSET;
    const { checksum: expected } = currentWriteRequest();
    const checksum = expected && new BodyChecksum(expected);
    const digest =
      record.digest !== undefined || acknowledged === 0
        ? await ContentDigest.start(record.digest)
        : undefined;
    const received = await receiveBody(id, readable, files.part, offset, [checksum, digest]);
    const { streamError } = received;
    if (checksum !== undefined) {
      if (streamError !== undefined) throw streamError;
      if (!checksum.matches()) throw EXTENSION_ERRORS.CHECKSUM_MISMATCH;
    }
    const newOffset = offset + received.written;
    try {
      const committed: UploadRecord = {
        ...record,
        offset: newOffset,
        // Bytes that were hashed but never reached the disk would make the state wrong.
        digest: received.allHashed ? await digest?.save() : undefined,
      };
      await writeRecord(files, committed);
      if (record.size === newOffset)
        await this.#complete(files, committed, committed.digest && (await digest?.hex()));
    } catch (error) {
      throw failure(error, id);
    }
    if (streamError !== undefined) throw streamError;
    return newOffset;
  }

  override async getUpload(id: string): Promise<Upload> {
    const files = await this.#filesOf(this.#knownKey(id));
    try {
      const record = await this.#recordOf(files);
      const acknowledged = await this.#acknowledged(files, record);
      if (acknowledged !== undefined) {
        // Every byte acknowledged but not completed: the process died in between, or the rename failed.
        if (acknowledged === record.size) {
          await this.#complete(files, record, await finalDigestOf(record));
          return uploadOf(record, acknowledged);
        }
        return uploadOf(record, acknowledged);
      }
      if (record.completed) return uploadOf(record, record.size!);
      if (await this.#isFinished(id, record.size)) {
        // Renamed into place, but the process died before it recorded that: record it now.
        await writeRecord(files, { ...record, completed: true, ...(await shaOf(record)) });
        return uploadOf(record, record.size!);
      }
    } catch (error) {
      throw failure(error, id);
    }
    throw ERRORS.FILE_NO_LONGER_EXISTS;
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    const files = await this.#filesOf(this.#knownKey(id));
    try {
      const record = { ...(await this.#recordOf(files)), size: length };
      await writeRecord(files, record);
      if (record.offset === length) await this.#complete(files, record, await finalDigestOf(record));
    } catch (error) {
      throw failure(error, id);
    }
  }

  /** Removes the bytes received, or the finished file; 404 once the upload is gone, so a repeat touches nothing. */
  override async remove(id: string): Promise<void> {
    const files = await this.#filesOf(this.#knownKey(id));
    try {
      const record = await this.#recordOf(files);
      if (
        !(await removeIfPresent(files.part)) &&
        record.concat?.kind !== 'partial' &&
        (await this.#isFinished(id, record.size))
      ) {
        await this.#driver.delete(id);
      }
      await removeIfPresent(files.record);
      await removeIfPresent(files.recordDraft);
    } catch (error) {
      throw failure(error, id);
    }
  }

  /**
   * Removes the unfinished uploads past their expiration (partial uploads never joined
   * among them); counts them. The records of finished uploads past it go too (the server
   * answers 410 for them by then), never their files; an upload whose bytes are all
   * acknowledged is completed, not removed.
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
      const acknowledged = await this.#acknowledged(files, record);
      if (record.concat?.kind !== 'partial' && acknowledged !== undefined && acknowledged === record.size) {
        await this.#complete(files, record, await finalDigestOf(record));
      } else if (await removeIfPresent(files.part)) removed++;
      await removeIfPresent(files.record);
      await removeIfPresent(files.recordDraft);
    }
    return removed;
  }

  override getExpiration(): number {
    return this.#expiration;
  }

  async contentDigest(id: string): Promise<string | undefined> {
    const record = await this.#recordOf(await this.#filesOf(this.#knownKey(id)));
    return record.completed ? record.sha256 : undefined;
  }

  async describeConcat(id: string): Promise<ConcatRole> {
    const files = await this.#filesOf(this.#knownKey(id));
    const record = await this.#recordOf(files);
    if (record.concat?.kind === 'final') return { kind: 'final', partials: record.concat.partials };
    if (record.concat?.kind === 'partial')
      return { kind: 'partial', finished: record.completed === true, size: record.size };
    return { kind: 'none' };
  }

  /** Copies the partials' bytes in order into the final upload (hashing them on the way), then removes them. */
  async concatenate(upload: Upload, partials: PartialUpload[]): Promise<Upload> {
    const key = assertValidKey(upload.id);
    const files = await this.#filesOf(key);
    const sources = await Promise.all(partials.map(async ({ id }) => this.#filesOf(this.#knownKey(id))));
    const size = partials.reduce((total, partial) => total + partial.size, 0);
    const record: UploadRecord = {
      id: key,
      size,
      metadata: upload.metadata,
      creation_date: new Date().toISOString(),
      offset: 0,
      concat: { kind: 'final', partials: partials.map(({ id }) => id) },
    };
    try {
      await writeFile(files.part, '', { flush: true });
      await writeRecord(files, record);
      const digest = await joinPartials(files.part, sources, size);
      const joined = { ...record, offset: size, digest: await digest.save() };
      await writeRecord(files, joined);
      await this.#complete(files, joined, await digest.hex());
    } catch (error) {
      await removeIfPresent(files.part).catch(() => {});
      await removeIfPresent(files.record).catch(() => {});
      throw failure(error, key);
    }
    await Promise.all(partials.map(({ id }) => this.remove(id).catch(() => {})));
    upload.size = size;
    upload.offset = size;
    upload.creation_date = record.creation_date;
    upload.storage = storageOf(key);
    return upload;
  }

  #expiresAt(record: UploadRecord): number {
    return new Date(record.creation_date).getTime() + this.#expiration;
  }

  /**
   * The acknowledged offset of an unfinished upload, or undefined when its bytes are no
   * longer in the folder (finished). A record from before offsets were kept counts what
   * the file holds.
   */
  async #acknowledged(files: UploadFiles, record: UploadRecord): Promise<number | undefined> {
    if (record.completed && record.concat?.kind !== 'partial') return undefined;
    const onDisk = await sizeOf(files.part);
    if (onDisk === undefined) return undefined;
    if (record.completed) return undefined;
    return record.offset ?? onDisk;
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

  /**
   * Renames the complete bytes to the key (a partial upload's stay in the folder) and
   * records it; a concurrent completion (HEAD repairing one) may have done it already.
   */
  async #complete(files: UploadFiles, record: UploadRecord, sha256: string | undefined): Promise<void> {
    const { root } = await this.#ready();
    const completed: UploadRecord = {
      ...record,
      completed: true,
      ...(sha256 !== undefined && { sha256 }),
    };
    if (record.concat?.kind === 'partial') {
      await writeRecord(files, completed);
      return;
    }
    try {
      // Bytes past the length can only come from a request that was never acknowledged.
      await truncate(files.part, record.size);
      await rename(files.part, join(root, record.id));
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT' || !(await this.#isFinished(record.id, record.size))) throw error;
    }
    await writeRecord(files, completed);
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
