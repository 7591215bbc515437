import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import { measureStored } from '../files/file-bytes.js';
import type { Locations } from '../locations.js';

/**
 * Turns the record of a finished upload into a ready file: size and SHA-256, computed by
 * reading the file back once (hash state cannot survive a restart mid-upload). Idempotent,
 * so every path that finds a finished upload (the last PATCH, a HEAD, a GET, the janitor)
 * may call it; one measurement per upload at a time in this process.
 */
export class UploadCompletion {
  private readonly running = new Map<string, Promise<FileRow | undefined>>();

  constructor(
    private readonly storage: Locations,
    private readonly records: FileRecords,
  ) {}

  /** The ready record; undefined when the record was deleted meanwhile. */
  complete(file: Pick<FileRow, 'id' | 'storage' | 'filename_disk'>): Promise<FileRow | undefined> {
    let completing = this.running.get(file.id);
    if (!completing) {
      completing = this.measure(file).finally(() => this.running.delete(file.id));
      this.running.set(file.id, completing);
    }
    return completing;
  }

  private async measure(file: Pick<FileRow, 'id' | 'storage' | 'filename_disk'>) {
    const measured = await measureStored(this.storage.location(file.storage), file.filename_disk);
    return this.records.update(file.id, {
      filesize: measured.size,
      checksum: measured.checksum,
      upload_status: 'ready',
      upload_offset: measured.size,
      upload_length: measured.size,
      modified_on: new Date().toISOString(),
    });
  }
}
