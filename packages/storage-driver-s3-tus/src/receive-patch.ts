import type { Readable } from 'node:stream';
import { BodyChecksum, type Budget, currentWriteRequest, EXTENSION_ERRORS } from '@stowage/tus-extensions';
import { asUploadError } from './errors.js';
import type { S3Location } from './location.js';
import type { OpenUpload } from './open-upload.js';
import type { PartBuffers } from './part-buffers.js';
import type { PartFit } from './part-plan.js';
import type { PartUploads } from './part-uploads.js';
import { PartWriter } from './part-writer.js';

export interface PatchResources {
  location: S3Location;
  partUploads: PartUploads;
  /** Bytes of part buffers, shared by every upload of the store. */
  memory: Budget;
  buffers: PartBuffers;
  /** How far parts may depart from the plan to fit a request's body. */
  fit: PartFit;
}

/**
 * Takes one request's body into the upload: cuts it into planned parts, stores them,
 * and commits what counts (see OpenUpload.commit). Without a declared checksum, every
 * byte that arrived counts, up to a part that failed; with one (Upload-Checksum), the
 * body counts only whole and matching: a mismatch answers 460 and commits nothing, so
 * every process reports the offset from before it. The upload's SHA-256 is continued
 * with the bytes, its state committed with them.
 */
export async function receivePatch(
  open: OpenUpload,
  stream: Readable,
  resources: PatchResources,
): Promise<void> {
  const { state } = open;
  const { checksum: expected, length: bodyLength } = currentWriteRequest();
  const checksum = expected && new BodyChecksum(expected);
  const digest = await open.resumeDigest();
  const committed = open.progress.parts;
  /** The digest state at the end of each part filled by this request, for a commit that stops there. */
  const digestAtPart = new Map<number, Promise<string>>();
  const writer = new PartWriter({
    partSize: state.partSize,
    size: state.size,
    firstPart: committed + 1,
    firstPartStart: open.partsEnd,
    initial: await open.readRemainder(),
    fit: resources.fit,
    memory: resources.memory,
    buffers: resources.buffers,
    bodyLength,
    uploadPart: (partNumber, body) => resources.partUploads.buffered(state, partNumber, body),
    streamPart: (partNumber, body, length, signal) =>
      resources.partUploads.streamed(state, partNumber, body, length, signal),
    observe: (bytes) => {
      checksum?.update(bytes);
      digest?.update(bytes);
    },
    partFilled: (partNumber) => {
      if (!digest) return undefined;
      const saved = digest.save();
      digestAtPart.set(partNumber, saved);
      return saved;
    },
  });
  // The request stream's own error (the client went away) is rethrown as it is: @tus/server recognises it.
  let streamError: unknown;
  try {
    for await (const chunk of stream) await writer.write(chunk as Buffer);
  } catch (error) {
    if (error !== writer.failure) streamError = error;
  }
  try {
    const leftover = await writer.finish();
    // The parts that count: from the first of this request, up to a gap.
    let parts = committed;
    let end = open.partsEnd;
    for (let part = writer.stored.get(parts + 1); part; part = writer.stored.get(parts + 1)) {
      parts++;
      end += part.size;
    }
    if (writer.failure !== undefined) {
      // The parts before the failed one stay valid, the bytes past it count for nothing.
      if (checksum === undefined && parts > committed)
        await open.commit({ parts, end, leftover: Buffer.alloc(0), digest: await digestAtPart.get(parts) });
      throw asUploadError(resources.location, writer.failure, open.id, 'upload part');
    }
    if (checksum !== undefined) {
      if (streamError !== undefined) throw streamError;
      if (!checksum.matches()) throw EXTENSION_ERRORS.CHECKSUM_MISMATCH;
    }
    await open.commit({ parts, end, leftover, digest: await digest?.save() });
  } finally {
    writer.release();
  }
  if (streamError !== undefined) throw streamError;
}
