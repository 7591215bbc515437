import { type Driver, NotFoundError } from '@stowage/storage';
import type { DataStore } from '@tus/utils';
import type { FileRow } from '../db/schema.js';

/** Where an upload stands according to its store, the one truth about its bytes. */
export type StoreView =
  | { state: 'complete' }
  | { state: 'receiving'; offset: number }
  /** The store has neither the upload nor its finished file: never created, removed, or expired. */
  | { state: 'gone' };

/**
 * Asks the store about the upload of a record that still says `uploading`. Opening an
 * upload completes one whose bytes are all stored but that no process completed (a crash
 * in between; both stores do it), so `complete` here means the file is in place. Once a
 * store let go of a finished upload's own state (its expiry), the file at the record's
 * key still tells: only a completed upload ever puts one there.
 */
export async function viewInStore(store: DataStore, driver: Driver, file: FileRow): Promise<StoreView> {
  try {
    const upload = await store.getUpload(file.id);
    if (upload.size !== undefined && upload.offset === upload.size) return { state: 'complete' };
    return { state: 'receiving', offset: upload.offset };
  } catch (error) {
    const status = (error as { status_code?: unknown } | null)?.status_code;
    if (status !== 404 && status !== 410) throw error;
  }
  try {
    const stored = await driver.stat(file.filename_disk);
    return file.upload_length === null || stored.size === file.upload_length
      ? { state: 'complete' }
      : { state: 'gone' };
  } catch (error) {
    if (error instanceof NotFoundError) return { state: 'gone' };
    throw error;
  }
}
