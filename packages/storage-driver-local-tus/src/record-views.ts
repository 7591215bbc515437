import { ContentDigest, EMPTY_SHA256, markFinal } from '@stowage/tus-extensions';
import { Upload } from '@tus/utils';
import type { UploadRecord } from './upload-files.js';

/** Where a local upload's finished file is, as @tus/server reports it. */
export function storageOf(key: string): Upload['storage'] {
  return { type: 'local', path: key };
}

/** The upload as @tus/server sees it (a final one marked: it takes no PATCH). */
export function uploadOf(record: UploadRecord, offset: number): Upload {
  const { id, size, metadata, creation_date } = record;
  const upload = new Upload({ id, size, metadata, creation_date, offset, storage: storageOf(id) });
  return record.concat?.kind === 'final' ? markFinal(upload) : upload;
}

/** The SHA-256 to record with a completion, when every acknowledged byte was hashed. */
export async function shaOf(record: UploadRecord): Promise<{ sha256?: string }> {
  const sha256 = record.offset === record.size ? await finalDigestOf(record) : undefined;
  return sha256 === undefined ? {} : { sha256 };
}

/** The SHA-256 of every acknowledged byte, when the record has its state (or holds none). */
export async function finalDigestOf(record: UploadRecord): Promise<string | undefined> {
  if (record.digest !== undefined) return (await ContentDigest.start(record.digest)).hex();
  return record.offset === 0 ? EMPTY_SHA256 : undefined;
}
