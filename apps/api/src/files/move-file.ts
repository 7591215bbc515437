import { InsufficientStorageError } from '@stowage/storage';
import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import { ApiError, locationFull, notFound } from '../http/errors.js';
import type { Locations } from '../locations.js';
import { type ByteProgress, copyBetween } from './file-bytes.js';

/** Where a move reports what it had to leave behind; a Fastify logger is one. */
export interface WarningLog {
  warn(details: object, message: string): void;
}

/** What a move needs: the route gives its context, the CLI what it opened itself. */
export interface MoveDependencies {
  storage: Locations;
  records: FileRecords;
  log: WarningLog;
}

export interface MoveOptions {
  /**
   * False keeps the source's bytes once the record points at the copy: the caller
   * deletes them later (after readers that saw the old record are done) or keeps them.
   */
  deleteSource?: boolean;
  onBytes?: ByteProgress;
}

/**
 * Moves a file's bytes to another location so that the file stays readable whatever
 * step fails: copy, verify the copy (size and checksum), point the record at it, and
 * only then delete the source. A failed copy or check removes the partial copy and
 * leaves the record on the source. The record is switched only if it still names the
 * source: a file deleted or moved elsewhere meanwhile keeps what that change made of it.
 */
export async function moveFile(
  { storage, records, log }: MoveDependencies,
  file: FileRow,
  to: string,
  { deleteSource = true, onBytes }: MoveOptions = {},
): Promise<FileRow> {
  const source = storage.location(file.storage);
  const destination = storage.location(to);
  const key = file.filename_disk;
  const dropCopy = () =>
    destination
      .delete(key)
      .catch((error) => log.warn({ err: error, storage: to, key }, 'partial copy left behind'));
  try {
    const copied = await copyBetween(source, destination, file, onBytes);
    if (copied.size !== file.filesize || (file.checksum !== null && copied.checksum !== file.checksum)) {
      throw new ApiError(500, 'INTERNAL_SERVER_ERROR', 'The copied file does not match the original');
    }
  } catch (error) {
    await dropCopy();
    throw error instanceof InsufficientStorageError ? locationFull(to, error) : error;
  }
  const moved = await records.switchLocation(file.id, file.storage, to);
  if (!moved) {
    // Deleted or moved while we copied: the copy is the orphan now, the source is not ours to delete.
    await dropCopy();
    if (!(await records.get(file.id))) throw notFound();
    throw new ApiError(409, 'CONFLICT', 'The file was moved by another request meanwhile');
  }
  if (deleteSource) {
    await source
      .delete(key)
      .catch((error) =>
        log.warn({ err: error, storage: file.storage, key }, 'moved, but the source copy remains'),
      );
  }
  return moved;
}
