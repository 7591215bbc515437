import type { FastifyBaseLogger } from 'fastify';
import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import type { Locations } from '../locations.js';
import { measureStored } from './file-bytes.js';

/**
 * Fills the checksum of a ready file that arrived without one (a store that could not
 * hash every byte as it came: a concatenation) by reading it once. A failure leaves it
 * for the next cleanup run, which looks for such files.
 */
export async function backfillChecksum(
  storage: Locations,
  records: FileRecords,
  file: Pick<FileRow, 'id' | 'storage' | 'filename_disk' | 'filesize'>,
  log: FastifyBaseLogger,
): Promise<void> {
  try {
    const measured = await measureStored(storage.location(file.storage), file.filename_disk);
    if (measured.size !== file.filesize) {
      log.error(
        { id: file.id, stored: measured.size, recorded: file.filesize },
        'stored size differs from the record',
      );
      return;
    }
    await records.setChecksumIfMissing(file.id, measured.checksum);
  } catch (error) {
    log.warn({ err: error, id: file.id }, 'could not compute a checksum yet');
  }
}
