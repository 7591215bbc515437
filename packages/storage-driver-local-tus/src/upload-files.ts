import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the store keeps of an upload beside its bytes. */
export interface UploadRecord {
  id: string;
  /** Undefined while the length is deferred. */
  size?: number;
  metadata?: Record<string, string | null>;
  creation_date: string;
  /** Bytes acknowledged; absent in records from before it was kept (the file's length counts then). */
  offset?: number;
  /** The SHA-256 state after the acknowledged bytes (ContentDigest.save()), absent when a byte went unseen. */
  digest?: string;
  /** Every byte stored where it belongs (a partial upload's stay in the folder). */
  completed?: boolean;
  /** SHA-256 (hex) of the finished upload, when the store saw every byte. */
  sha256?: string;
  concat?: { kind: 'partial' } | { kind: 'final'; partials: string[] };
}

/** The two files of an upload in the store's folder. */
export interface UploadFiles {
  /** The upload's record; it outlives the bytes once they are renamed to the key. */
  record: string;
  /** Where the record is rewritten before being renamed over it. */
  recordDraft: string;
  /** The bytes received so far; its length is the upload's offset. */
  part: string;
}

/**
 * `<id>.json` and `<id>.part` (ids have no "/"): the suffixes keep the files of two ids
 * apart (`a.json` is upload `a`'s record, `a.json.json` upload `a.json`'s).
 */
export function uploadFilesOf(folder: string, id: string): UploadFiles {
  const record = join(folder, `${id}.json`);
  return { record, recordDraft: `${record}.draft`, part: join(folder, `${id}.part`) };
}

export function isRecordFile(name: string): boolean {
  return name.endsWith('.json');
}

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function orUndefinedIfMissing<T>(error: unknown): T | undefined {
  if (errnoOf(error) === 'ENOENT') return undefined;
  throw error;
}

export async function readRecord(path: string): Promise<UploadRecord | undefined> {
  const text = await readFile(path, 'utf8').catch(orUndefinedIfMissing<string>);
  return text === undefined ? undefined : (JSON.parse(text) as UploadRecord);
}

/** Replaces the record atomically (a flushed draft renamed over it): a crash leaves the old or the new one. */
export async function writeRecord(files: UploadFiles, record: UploadRecord): Promise<void> {
  try {
    await writeFile(files.recordDraft, JSON.stringify(record), { flush: true });
    await rename(files.recordDraft, files.record);
  } catch (error) {
    await rm(files.recordDraft, { force: true });
    throw error;
  }
}

export async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    return orUndefinedIfMissing(error);
  }
}

/** Whether there was a file to remove. */
export async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    return orUndefinedIfMissing(error) ?? false;
  }
}
