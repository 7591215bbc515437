import type { FileRow } from '../db/schema.js';

/** The record as the API shows it: the upload's token hash never leaves the server. */
export function presentFile({ upload_token_hash: _, ...file }: FileRow) {
  return file;
}
