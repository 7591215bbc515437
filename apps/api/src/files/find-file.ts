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
