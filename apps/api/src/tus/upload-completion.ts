import { hasConcatenation, hasContentDigests } from '@stowage/tus-extensions';
import type { DataStore } from '@tus/utils';
import type { FastifyBaseLogger } from 'fastify';
import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import type { UploadPartials } from '../db/upload-partials.js';
import { backfillChecksum } from '../files/checksum-backfill.js';
import { readyUploadChanges } from '../files/new-file-record.js';
import type { Locations } from '../locations.js';

export interface UploadCompletionParts {
  storage: Locations;
  records: FileRecords;
  partials: UploadPartials;
  /** The tus store of a location. */
  storeOf(location: string): DataStore | undefined;
  log: FastifyBaseLogger;
}

/**
 * Turns the record of a finished upload into a ready file: its size from the stored file,
 * its SHA-256 from the store, which computed it as the bytes arrived (no read-back). A
 * final upload of a concatenation has none (SHA-256 cannot be chained from its partials'):
 * it is ready at once and one read after the answer fills it. Idempotent, so every path
 * that finds a finished upload (the last PATCH, a HEAD, a GET, the janitor) may call it;
 * one completion per upload at a time in this process.
 */
export class UploadCompletion {
  private readonly running = new Map<string, Promise<FileRow | undefined>>();

  constructor(private readonly parts: UploadCompletionParts) {}

  /** The ready record; undefined when the record was deleted meanwhile. */
  complete(file: Pick<FileRow, 'id' | 'storage' | 'filename_disk'>): Promise<FileRow | undefined> {
    let completing = this.running.get(file.id);
    if (!completing) {
      completing = this.finish(file).finally(() => this.running.delete(file.id));
      this.running.set(file.id, completing);
    }
    return completing;
  }

  private async finish(file: Pick<FileRow, 'id' | 'storage' | 'filename_disk'>) {
    const { storage, records, partials, log } = this.parts;
    const current = await records.get(file.id);
    if (current?.upload_status !== 'uploading') return current;
    const store = this.parts.storeOf(file.storage);
    const checksum = store && hasContentDigests(store) ? await store.contentDigest(file.id) : undefined;
    const { size } = await storage.location(file.storage).stat(file.filename_disk);
    const ready = await records.update(file.id, readyUploadChanges({ size, checksum: checksum ?? null }));
    if (!ready) return undefined;
    // A final upload's partials are joined and gone.
    if (store && hasConcatenation(store)) {
      const role = await store.describeConcat(file.id).catch(() => undefined);
      if (role?.kind === 'final') await partials.delete(role.partials);
    }
    if (checksum === undefined) void backfillChecksum(storage, records, ready, log);
    return ready;
  }
}
