import type { DataStore, Upload } from '@tus/utils';

/**
 * A store that keeps the SHA-256 of an upload's content as it arrives: the application
 * reads it once the upload is finished instead of reading the bytes back. Undefined
 * when the store could not hash every byte (an upload begun before it could).
 */
export interface ContentDigests {
  contentDigest(id: string): Promise<string | undefined>;
}

export function hasContentDigests(store: DataStore): store is DataStore & ContentDigests {
  return typeof (store as Partial<ContentDigests>).contentDigest === 'function';
}

/** What a final upload needs of its partial uploads. */
export interface PartialUpload {
  id: string;
  size: number;
}

/** An upload's part in concatenation. */
export type ConcatRole =
  | { kind: 'none' }
  | { kind: 'partial'; finished: boolean; size: number | undefined }
  | { kind: 'final'; partials: string[] };

/**
 * A store that joins finished partial uploads (Upload-Concat) into a final upload, which
 * is complete on creation. Partial uploads are stored apart from finished files, and are
 * removed once joined.
 */
export interface Concatenation {
  /** The upload's part in concatenation (a 404 tus error when the upload is unknown). */
  describeConcat(id: string): Promise<ConcatRole>;
  /** Creates `upload` (its size the partials' sum) from the partials in order, then removes them. */
  concatenate(upload: Upload, partials: PartialUpload[]): Promise<Upload>;
}

export function hasConcatenation(store: DataStore): store is DataStore & Concatenation {
  const candidate = store as Partial<Concatenation>;
  return typeof candidate.concatenate === 'function' && typeof candidate.describeConcat === 'function';
}
