import { InsufficientStorageError } from '@stowage/storage';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.js';
import type { FileRow } from '../db/schema.js';
import { ApiError, locationFull } from '../http/errors.js';
import { copyBetween } from './file-bytes.js';

/**
 * Moves a file's bytes to another location so that the file stays readable whatever
 * step fails: copy, verify the copy (size and checksum), point the record at it, and
 * only then delete the source. A failed copy or check removes the partial copy and
 * leaves the record on the source.
 */
export async function moveFile(
  context: AppContext,
  file: FileRow,
  to: string,
  log: FastifyBaseLogger,
): Promise<FileRow> {
  const source = context.storage.location(file.storage);
  const destination = context.storage.location(to);
  const key = file.filename_disk;
  try {
    const copied = await copyBetween(source, destination, file);
    if (copied.size !== file.filesize || (file.checksum !== null && copied.checksum !== file.checksum)) {
      throw new ApiError(500, 'INTERNAL_SERVER_ERROR', 'The copied file does not match the original');
    }
  } catch (error) {
    await destination.delete(key).catch((cleanup) => log.warn({ err: cleanup }, 'partial copy left behind'));
    throw error instanceof InsufficientStorageError ? locationFull(to, error) : error;
  }
  const moved = await context.records.update(file.id, { storage: to, modified_on: new Date().toISOString() });
  if (!moved) {
    // Deleted while we copied: the copy is the orphan now, the source was already let go.
    await destination.delete(key).catch(() => {});
    throw new ApiError(404, 'NOT_FOUND', 'File not found');
  }
  await source
    .delete(key)
    .catch((error) =>
      log.warn({ err: error, storage: file.storage, key }, 'moved, but the source copy remains'),
    );
  return moved;
}
