import type { FileRow, FileRowUpdate } from '../db/schema.js';

export interface NewFile {
  id: string;
  storage: string;
  filenameDisk: string;
  filenameDownload: string;
  title?: string | null | undefined;
  type: string;
}

/** A file record whose bytes are all stored. */
export function readyFileRecord(file: NewFile, content: { size: number; checksum: string }): FileRow {
  return {
    ...baseRecord(file),
    filesize: content.size,
    checksum: content.checksum,
    upload_status: 'ready',
  };
}

/** The record of a resumable upload: it exists from creation, its size and checksum come at the end. */
export function uploadingFileRecord(
  file: NewFile,
  upload: { length: number | undefined; tokenHash: string | null },
): FileRow {
  return {
    ...baseRecord(file),
    upload_status: 'uploading',
    upload_offset: 0,
    upload_length: upload.length ?? null,
    upload_token_hash: upload.tokenHash,
  };
}

/** What makes an upload's record ready once its bytes are all stored and measured. */
export function readyUploadChanges(content: { size: number; checksum: string | null }): FileRowUpdate {
  return {
    filesize: content.size,
    checksum: content.checksum,
    upload_status: 'ready',
    upload_offset: content.size,
    upload_length: content.size,
    modified_on: new Date().toISOString(),
  };
}

function baseRecord(file: NewFile): FileRow {
  const now = new Date().toISOString();
  return {
    id: file.id,
    storage: file.storage,
    filename_disk: file.filenameDisk,
    filename_download: file.filenameDownload,
    title: file.title ?? file.filenameDownload,
    type: file.type,
    filesize: null,
    checksum: null,
    uploaded_on: now,
    modified_on: now,
    upload_status: 'ready',
    upload_offset: null,
    upload_length: null,
    upload_token_hash: null,
  };
}
