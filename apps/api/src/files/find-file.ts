import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.js';
import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import { notFound } from '../http/errors.js';
import { isUuid } from './names.js';

/** A file by id; anything that is not a known uuid is simply not found. */
export async function findFile(records: FileRecords, id: string): Promise<FileRow> {
  const file = isUuid(id) ? await records.get(id.toLowerCase()) : undefined;
  if (!file) throw notFound();
  return file;
}

/**
 * A file by id, a record still `uploading` first brought in line with its upload's
 * store (completed if the upload finished there: see UploadServers.settle). A store
 * that cannot answer leaves the record as it is.
 */
export async function findSettledFile(
  context: AppContext,
  id: string,
  log: FastifyBaseLogger,
): Promise<FileRow> {
  const file = await findFile(context.records, id);
  if (file.upload_status !== 'uploading' || !context.uploads) return file;
  return context.uploads.settle(file).catch((error: unknown) => {
    log.warn({ err: error, id: file.id }, 'could not ask the store about an unfinished upload');
    return file;
  });
}
