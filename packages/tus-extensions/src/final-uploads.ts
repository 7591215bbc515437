import type { Readable } from 'node:stream';
import type { Upload } from '@tus/utils';

/**
 * Uploads (as a store's getUpload answered them) that are final uploads of a
 * concatenation: a PATCH to one is refused with 403 before its body is measured
 * against the length, which is what @tus/server would answer (413).
 */
const finalUploads = new WeakSet<Upload>();

export function markFinal(upload: Upload): Upload {
  finalUploads.add(upload);
  return upload;
}

export function isFinal(upload: Upload): boolean {
  return finalUploads.has(upload);
}

/** Whether a request body holds no byte (it is read to its end). */
export async function isEmptyBody(readable: Readable): Promise<boolean> {
  let empty = true;
  for await (const chunk of readable) if ((chunk as Buffer).length > 0) empty = false;
  return empty;
}
