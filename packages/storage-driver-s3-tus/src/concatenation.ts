import { CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Budget } from '@stowage/tus-extensions';
import {
  abortMultipartUpload,
  checkFinishedSize,
  completeMultipart,
  finalObjectParams,
} from './completion.js';
import { type ConcatPart, type ConcatSource, planConcatenation } from './concat-plan.js';
import type { S3Location } from './location.js';
import type { PartUploads } from './part-uploads.js';
import { withRetries } from './retry.js';
import { UploadObjects, type UploadState } from './upload-objects.js';

export interface ConcatResources {
  location: S3Location;
  partUploads: PartUploads;
  memory: Budget;
  retries: number;
  partSize: number;
  minPartSize?: number;
}

/**
 * Makes the final upload's object from its partials: its state is written first (so an
 * interrupted concatenation is found and cleaned like any unfinished upload), then the
 * parts are copied server-side where S3 allows it and assembled here where it does not,
 * several at once, then completed and size-checked. Answers the completed state; the
 * partials are left to the caller, to remove once this state is committed.
 */
export async function concatenate(
  state: UploadState & { size: number },
  sources: ConcatSource[],
  resources: ConcatResources,
): Promise<{ state: UploadState; etag: string }> {
  const { location, partUploads, retries } = resources;
  const objects = new UploadObjects(location, state.id);
  const parts = planConcatenation(sources, {
    partSize: resources.partSize,
    equalParts: location.provider.requireEqualParts,
    ...(resources.minPartSize !== undefined && { minPartSize: resources.minPartSize }),
  });
  const created = await withRetries(retries, () =>
    location.client.send(new CreateMultipartUploadCommand(finalObjectParams(location, state))),
  );
  const pending: UploadState = { ...state, multipartUploadId: created.UploadId };
  await withRetries(retries, () => objects.writeState(pending));
  try {
    const etags = await Promise.all(
      parts.map(async (part, index) =>
        part.pieces.length === 1
          ? (await partUploads.copied(pending, index + 1, part.pieces[0]!)).etag
          : (await assemble(pending, index + 1, part, resources)).etag,
      ),
    );
    if (parts.length > 0) await withRetries(retries, () => completeMultipart(location, pending, etags));
    else await withRetries(retries, () => putEmpty(location, pending));
    await checkFinishedSize(location, { ...pending, size: state.size });
  } catch (error) {
    await abortMultipartUpload(location, pending).catch(() => {});
    await objects.delete([objects.stateKey]).catch(() => {});
    throw error;
  }
  const { multipartUploadId: _, ...completed } = { ...pending, completed: true };
  return { state: completed, etag: await withRetries(retries, () => objects.writeState(completed)) };
}

/** A part of several pieces: read into one buffer (from the shared memory budget), then sent. */
async function assemble(
  state: UploadState,
  partNumber: number,
  part: ConcatPart,
  resources: ConcatResources,
) {
  const { location, memory, partUploads, retries } = resources;
  return memory.use(part.size, async () => {
    const body = Buffer.allocUnsafe(part.size);
    let at = 0;
    for (const piece of part.pieces) {
      const bytes = await withRetries(retries, async () => {
        const { Body } = await location.client.send(
          new GetObjectCommand({
            Bucket: location.bucket,
            Key: piece.key,
            Range: `bytes=${piece.start}-${piece.end - 1}`,
          }),
        );
        return Body!.transformToByteArray();
      });
      if (bytes.length !== piece.end - piece.start) throw new Error(`Short read of ${piece.key}`);
      body.set(bytes, at);
      at += bytes.length;
    }
    return partUploads.buffered(state, partNumber, body);
  });
}

async function putEmpty(location: S3Location, state: UploadState): Promise<void> {
  await location.client.send(
    new PutObjectCommand({ ...finalObjectParams(location, state), Body: Buffer.alloc(0) }),
  );
  await abortMultipartUpload(location, state);
}
