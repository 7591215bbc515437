import type { Insertable, Selectable, Updateable } from 'kysely';

export type UploadStatus = 'uploading' | 'ready';

export interface FilesTable {
  id: string;
  storage: string;
  filename_disk: string;
  filename_download: string;
  title: string | null;
  type: string | null;
  filesize: number | null;
  checksum: string | null;
  uploaded_on: string;
  modified_on: string;
  upload_status: UploadStatus;
  /** Bytes received so far while a resumable upload is in progress. */
  upload_offset: number | null;
  upload_length: number | null;
  /** SHA-256 of the token that created a resumable upload: only it may resume or end it. */
  upload_token_hash: string | null;
}

/** A partial upload (Upload-Concat: partial): where it is stored and who may use it, until it is joined. */
export interface UploadPartialsTable {
  id: string;
  storage: string;
  upload_token_hash: string | null;
  created_on: string;
}

/**
 * The backend state of an upload that goes straight to storage (presigned), by file id.
 * Kept apart from `files` so that it outlives a deleted record: whoever cleans up still
 * knows which multipart upload or object to discard.
 */
export interface DirectUploadsTable {
  id: string;
  storage: string;
  key: string;
  /** The backend's multipart upload; null for a single presigned PUT. */
  multipart_upload_id: string | null;
  /** SHA-256 (hex) the client declared, checked on completion. */
  declared_sha256: string | null;
  /** Past it, the upload is discarded (ISO 8601). */
  expires_at: string;
}

export interface Database {
  files: FilesTable;
  upload_partials: UploadPartialsTable;
  direct_uploads: DirectUploadsTable;
}

export type UploadPartialRow = Selectable<UploadPartialsTable>;

export type FileRow = Selectable<FilesTable>;
export type NewFileRow = Insertable<FilesTable>;
export type FileRowUpdate = Omit<Updateable<FilesTable>, 'id'>;
export type DirectUploadRow = Selectable<DirectUploadsTable>;
