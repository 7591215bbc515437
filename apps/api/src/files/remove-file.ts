import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.js';
import type { FileRow } from '../db/schema.js';

/**
 * Record first, then bytes: a record must never point at nothing, while bytes without a
 * record are only wasted space (logged, to clean up). Answers false when the record was
 * already gone.
 */
export async function removeFile(
  context: AppContext,
  file: FileRow,
  log: FastifyBaseLogger,
): Promise<boolean> {
  if (!(await context.records.delete(file.id))) return false;
  try {
    if (file.upload_status === 'uploading') await context.uploads?.discard(file);
    else await context.storage.location(file.storage).delete(file.filename_disk);
  } catch (error) {
    log.warn({ err: error, storage: file.storage, key: file.filename_disk }, 'orphaned bytes left behind');
  }
  return true;
}
