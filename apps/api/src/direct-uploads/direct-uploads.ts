import { randomUUID } from 'node:crypto';
import {
  type Driver,
  hasPresignedMultipartUploads,
  hasPresignedUrls,
  NotFoundError,
  type PresignedMultipartUploads,
  type UploadedPart,
} from '@stowage/storage';
import type { FastifyBaseLogger } from 'fastify';
import type { ApiEnv } from '../config/env.js';
import type { DirectUploadRecords } from '../db/direct-upload-records.js';
import type { FileRecords } from '../db/file-records.js';
import type { DirectUploadRow, FileRow } from '../db/schema.js';
import { backfillChecksum } from '../files/checksum-backfill.js';
import { measureStored } from '../files/file-bytes.js';
import { diskFilename } from '../files/names.js';
import { readyUploadChanges, uploadingFileRecord } from '../files/new-file-record.js';
import { ApiError, contentTooLarge, invalidPayload, notFound } from '../http/errors.js';
import type { Locations } from '../locations.js';

/** S3's largest single PUT. */
const MAX_SINGLE_PUT = 5 * 1024 ** 3;

export interface NewDirectUpload {
  storage: string;
  filename: string;
  type: string;
  title?: string | undefined;
  /** Undefined when the client does not say (Uppy's multipart create): then nothing is compared. */
  size?: number | undefined;
  /** Hex SHA-256 the client declares: completion refuses other content. */
  sha256?: string | undefined;
  /** Forces a single PUT (false) or parts (true); else decided by size. */
  multipart?: boolean | undefined;
  /** Of the credential that started it (the admin token, or a location grant): only it may go on. */
  tokenHash: string | null;
}

export type StartedDirectUpload =
  | { file: FileRow; expires: number; put: { url: string; headers: Record<string, string> } }
  | { file: FileRow; expires: number; partSize: number; maxParts: number };

export interface CompletedDirectUpload {
  file: FileRow;
  /**
   * `verified`: the content matched the SHA-256 the client declared, before the record was
   * ready; `computed`: none was declared and the checksum is in the record; `pending`: none
   * was declared and it is being computed (the record's checksum is null until then).
   */
  checksum: 'verified' | 'computed' | 'pending';
}

/**
 * Uploads whose bytes go from the client straight to a location (presigned URLs), while
 * the API keeps the record and decides what is kept: it starts the upload (record
 * `uploading`), signs each request, and on completion checks the size (before the parts
 * are joined) and a declared SHA-256 (read back once: S3 has no SHA-256 of a whole
 * multipart object) before the record is `ready`; an undeclared one is computed by one
 * read after the client was answered. A refused upload is discarded whole.
 */
export class DirectUploads {
  constructor(
    private readonly env: ApiEnv,
    private readonly storage: Locations,
    private readonly records: FileRecords,
    private readonly uploads: DirectUploadRecords,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Whether a location takes direct uploads (its driver presigns writes). */
  accepts(location: string): boolean {
    return hasPresignedUrls(this.storage.location(location));
  }

  async start(upload: NewDirectUpload): Promise<StartedDirectUpload> {
    const driver = this.storage.location(upload.storage);
    if (!hasPresignedUrls(driver))
      throw invalidPayload(
        `Location "${upload.storage}" takes no direct uploads (its driver cannot presign them): upload with TUS at /files/tus or POST /files`,
      );
    const { size } = upload;
    if (size !== undefined && size > this.env.FILES_MAX_UPLOAD_SIZE)
      throw contentTooLarge(this.env.FILES_MAX_UPLOAD_SIZE);
    const multipart =
      upload.multipart ?? (size === undefined || size > this.env.FILES_DIRECT_UPLOAD_MULTIPART_THRESHOLD);
    if (!multipart && size === undefined) throw invalidPayload('A single PUT needs the size');
    if (!multipart && size! > MAX_SINGLE_PUT)
      throw invalidPayload(`A single PUT takes at most ${MAX_SINGLE_PUT} bytes: use multipart`);
    const inParts = multipart ? multipartDriver(driver, upload.storage) : undefined;

    const id = randomUUID();
    const expires = Math.floor((Date.now() + this.env.FILES_DIRECT_UPLOAD_EXPIRATION) / 1000);
    const file = uploadingFileRecord(
      {
        id,
        storage: upload.storage,
        filenameDisk: diskFilename(id, upload.filename),
        filenameDownload: upload.filename,
        title: upload.title,
        type: upload.type,
      },
      { length: size, tokenHash: upload.tokenHash },
    );
    // Record and row before the backend's upload exists: whatever happens next, the
    // janitor knows what to discard.
    await this.records.insert(file);
    await this.uploads.insert({
      id,
      storage: upload.storage,
      key: file.filename_disk,
      multipart_upload_id: null,
      declared_sha256: upload.sha256 ?? null,
      expires_at: new Date(expires * 1000).toISOString(),
    });
    try {
      if (!inParts) {
        const url = await driver.presignWrite(file.filename_disk, {
          expiresIn: this.urlTtlSeconds(),
          contentType: upload.type,
          contentLength: size!,
        });
        return { file, expires, put: { url, headers: { 'content-type': upload.type } } };
      }
      const started = await inParts.startMultipartUpload(file.filename_disk, {
        ...(size !== undefined && { size }),
        contentType: upload.type,
      });
      await this.uploads.setMultipartUploadId(id, started.uploadId);
      return { file, expires, partSize: started.partSize, maxParts: inParts.maxPartNumber };
    } catch (error) {
      await this.discard(file.id).catch((cleanup) =>
        this.log.warn({ err: cleanup, id }, 'could not discard'),
      );
      throw error;
    }
  }

  async presignPart(id: string, partNumber: number): Promise<{ url: string; expires: number }> {
    const { driver, row, uploadId } = await this.multipartOf(id);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > driver.maxPartNumber)
      throw invalidPayload(`Part numbers go from 1 to ${driver.maxPartNumber}`);
    const expiresIn = this.urlTtlSeconds();
    const url = await driver.presignUploadPart(row.key, uploadId, partNumber, { expiresIn });
    return { url, expires: Math.floor(Date.now() / 1000) + expiresIn };
  }

  async listParts(id: string): Promise<UploadedPart[]> {
    const { driver, row, uploadId } = await this.multipartOf(id);
    return driver.listUploadedParts(row.key, uploadId);
  }

  /**
   * Joins the parts (those the client lists, else all received) or takes the PUT object,
   * after checking the size the client announced; then reads the file back for its
   * SHA-256. A file already completed is answered as it is (a client retrying).
   */
  async complete(
    id: string,
    parts?: Pick<UploadedPart, 'partNumber' | 'etag'>[],
  ): Promise<CompletedDirectUpload> {
    const file = await this.records.get(id);
    if (file?.upload_status === 'ready')
      return { file, checksum: file.checksum === null ? 'pending' : 'computed' };
    const row = await this.liveRow(id);
    if (!file) throw notFound('Upload');
    const driver = this.storage.location(row.storage);
    const declaredSize = file.upload_length;

    let size: number;
    if (row.multipart_upload_id !== null) {
      const multipart = multipartDriver(driver, row.storage);
      const received = await multipart.listUploadedParts(row.key, row.multipart_upload_id);
      const chosen = parts === undefined ? received : pickParts(received, parts);
      size = chosen.reduce((total, part) => total + part.size, 0);
      if (declaredSize !== null && size !== declaredSize)
        throw await this.refuse(id, `The parts hold ${size} bytes, ${declaredSize} were announced`);
      if (chosen.length === 0) throw await this.refuse(id, 'No part was uploaded');
      await multipart.completeMultipartUpload(row.key, row.multipart_upload_id, chosen);
    } else {
      const stored = await driver.stat(row.key).catch((error) => {
        if (error instanceof NotFoundError)
          throw new ApiError(409, 'CONFLICT', 'Nothing was uploaded yet: PUT the file to its URL first');
        throw error;
      });
      if (declaredSize !== null && stored.size !== declaredSize)
        throw await this.refuse(id, `The upload holds ${stored.size} bytes, ${declaredSize} were announced`);
      size = stored.size;
    }

    // A declared SHA-256 is verified before the file is ready; otherwise the file is ready
    // once its size is right, and its SHA-256 is computed by reading it once afterwards.
    let checksum: string | null = null;
    if (row.declared_sha256 !== null) {
      const measured = await measureStored(driver, row.key);
      if (measured.checksum !== row.declared_sha256)
        throw await this.refuse(
          id,
          `The content's SHA-256 is ${measured.checksum}, ${row.declared_sha256} was announced`,
        );
      checksum = measured.checksum;
    }
    const ready = await this.records.update(id, readyUploadChanges({ size, checksum }));
    if (!ready) {
      // Deleted (or expired) while it completed: its bytes have no record to belong to.
      await driver.delete(row.key);
      throw notFound('Upload');
    }
    await this.uploads.delete(id);
    if (checksum !== null) return { file: ready, checksum: 'verified' };
    void backfillChecksum(this.storage, this.records, ready, this.log);
    return { file: ready, checksum: 'pending' };
  }

  /** Ends an upload in progress: its parts or object, its record, its row. */
  async abort(id: string): Promise<void> {
    const file = await this.records.get(id);
    if (file?.upload_status === 'ready') throw new ApiError(409, 'CONFLICT', 'The upload is complete');
    if (!(await this.uploads.get(id))) throw notFound('Upload');
    await this.discard(id);
  }

  /**
   * Discards whatever an unfinished upload left: the record first (so that no reader
   * ever sees it again), then the backend's parts or object, then the row. Never touches
   * a file that is ready: then only the row is forgotten.
   */
  async discard(id: string): Promise<void> {
    const row = await this.uploads.get(id);
    if (!row) return;
    const file = await this.records.get(id);
    if (file?.upload_status === 'ready') return this.uploads.delete(id);
    if (file) await this.records.delete(id);
    const driver = this.storage.has(row.storage) ? this.storage.location(row.storage) : undefined;
    if (driver && row.multipart_upload_id !== null && hasPresignedMultipartUploads(driver))
      await driver.abortMultipartUpload(row.key, row.multipart_upload_id);
    else if (driver) await driver.delete(row.key);
    await this.uploads.delete(id);
  }

  /** Discards the upload, answering the 400 that says why. */
  private async refuse(id: string, reason: string): Promise<ApiError> {
    await this.discard(id);
    return invalidPayload(`${reason}: the upload was discarded`);
  }

  /** The row of an upload that has not expired (an expired one waits for the janitor, and is gone for clients). */
  private async liveRow(id: string): Promise<DirectUploadRow> {
    const row = await this.uploads.get(id);
    if (!row || Date.parse(row.expires_at) <= Date.now()) throw notFound('Upload');
    return row;
  }

  private async multipartOf(id: string) {
    const row = await this.liveRow(id);
    if (row.multipart_upload_id === null) throw invalidPayload('This upload is a single PUT, not multipart');
    const driver = multipartDriver(this.storage.location(row.storage), row.storage);
    return { driver, row, uploadId: row.multipart_upload_id };
  }

  private urlTtlSeconds(): number {
    return Math.floor(this.env.FILES_DIRECT_UPLOAD_URL_TTL / 1000);
  }
}

function multipartDriver(driver: Driver, location: string): Driver & PresignedMultipartUploads {
  if (!hasPresignedMultipartUploads(driver))
    throw invalidPayload(`Location "${location}" takes no multipart direct uploads`);
  return driver;
}

/** The received parts the client names, with the ETags it saw; a part it names that never arrived is refused. */
function pickParts(
  received: UploadedPart[],
  named: Pick<UploadedPart, 'partNumber' | 'etag'>[],
): UploadedPart[] {
  const byNumber = new Map(received.map((part) => [part.partNumber, part]));
  return named.map(({ partNumber, etag }) => {
    const part = byNumber.get(partNumber);
    if (!part) throw invalidPayload(`Part ${partNumber} was never uploaded`);
    return { ...part, etag };
  });
}
