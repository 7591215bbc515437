import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ContentDigest } from '@stowage/tus-extensions';
import type { UploadFiles } from './upload-files.js';

/**
 * Writes the partials' bytes, in order, into `target` (flushed), hashing them on the way:
 * a local concatenation has its SHA-256 at once. Answers the digest of all of them.
 */
export async function joinPartials(
  target: string,
  sources: UploadFiles[],
  size: number,
): Promise<ContentDigest> {
  const digest = await ContentDigest.start();
  const output = createWriteStream(target, { flags: 'r+', flush: true });
  await pipeline(async function* () {
    for (const source of sources) {
      for await (const chunk of createReadStream(source.part)) {
        digest.update(chunk as Buffer);
        yield chunk;
      }
    }
  }, output);
  if (output.bytesWritten !== size) throw new Error(`joined ${output.bytesWritten} of ${size} bytes`);
  return digest;
}
