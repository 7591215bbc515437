import type { FastifyBaseLogger } from 'fastify';
import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import type { Locations } from '../locations.js';
import { measureStored } from './file-bytes.js';

/**
 * Fills the checksum of a ready file that arrived without one (a concatenation, a direct
 * upload without an announced SHA-256) by reading it once. A failure leaves it for the
 * janitor's next pass, which looks for such files. True when it filled it.
 */
export async function backfillChecksum(
  storage: Locations,
  records: FileRecords,
  file: Pick<FileRow, 'id' | 'storage' | 'filename_disk' | 'filesize'>,
  log: FastifyBaseLogger,
): Promise<boolean> {
  try {
    const measured = await measureStored(storage.location(file.storage), file.filename_disk);
    if (measured.size !== file.filesize) {
      log.error(
        { id: file.id, stored: measured.size, recorded: file.filesize },
        'stored size differs from the record',
      );
      return false;
    }
    await records.setChecksumIfMissing(file.id, measured.checksum);
    return true;
  } catch (error) {
    log.warn({ err: error, id: file.id }, 'could not compute a checksum yet');
    return false;
  }
}
