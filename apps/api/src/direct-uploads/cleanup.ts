import type { FastifyBaseLogger } from 'fastify';
import type { DirectUploadRecords } from '../db/direct-upload-records.js';
import type { DirectUploads } from './direct-uploads.js';

/**
 * Discards the direct uploads nobody will finish: expired ones (their multipart upload
 * aborted or their object deleted, their record removed), and those whose record was
 * deleted meanwhile. Safe to run on several instances at once: each step tolerates
 * the others having done it. Answers how many were cleaned.
 */
export async function cleanAbandonedDirectUploads(
  uploads: DirectUploads,
  rows: DirectUploadRecords,
  log: FastifyBaseLogger,
): Promise<number> {
  let cleaned = 0;
  for (const row of await rows.abandoned(new Date().toISOString())) {
    try {
      await uploads.discard(row.id);
      cleaned++;
    } catch (error) {
      log.warn({ err: error, id: row.id, storage: row.storage }, 'abandoned direct upload left behind');
    }
  }
  return cleaned;
}
