import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { isNotFound } from '@stowage/storage-driver-s3';
import { contentDispositionOf, contentTypeOf } from './content-headers.js';
import { CorruptUploadError } from './errors.js';
import type { S3Location } from './location.js';
import type { StoredPart } from './stored-parts.js';
import type { UploadState } from './upload-objects.js';

/** Content headers, ACL and encryption of the final object, for CreateMultipartUpload (or PutObject). */
export function finalObjectParams(location: S3Location, state: Pick<UploadState, 'key' | 'metadata'>) {
  return {
    Bucket: location.bucket,
    Key: state.key,
    ContentType: contentTypeOf(state.metadata),
    ContentDisposition: contentDispositionOf(state.metadata),
    ...location.objectWriteParams(),
  };
}

/** The size of the finished object, or undefined when there is none. */
export async function finishedSize(location: S3Location, key: string): Promise<number | undefined> {
  try {
    const head = await location.client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: key }));
    return head.ContentLength;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Makes the final object from its `count` acknowledged parts, only when S3 holds every
 * one of them and their sizes add up to the upload's length, then checks the object's
 * size with HeadObject (Complete's answer cannot be trusted: RGW gives an empty ETag).
 */
export async function completeUpload(
  location: S3Location,
  state: UploadState & { size: number },
  parts: ReadonlyMap<number, StoredPart>,
  count: number,
): Promise<void> {
  if (count === 0) {
    // S3 cannot complete a multipart upload without parts: an empty object is put whole.
    await location.client.send(
      new PutObjectCommand({ ...finalObjectParams(location, state), Body: Buffer.alloc(0) }),
    );
    await abortMultipartUpload(location, state);
  } else {
    let bytes = 0;
    for (let partNumber = 1; partNumber <= count; partNumber++)
      bytes += parts.get(partNumber)?.size ?? Number.NaN;
    if (bytes !== state.size) {
      throw new CorruptUploadError(`Upload ${state.id} has a gap in its parts: it is not completed`);
    }
    await completeMultipart(
      location,
      state,
      Array.from({ length: count }, (_, index) => parts.get(index + 1)!.etag),
    );
  }
  await checkFinishedSize(location, state);
}

/** Completes the multipart upload from the ETags of parts 1, 2, …; a retry that finds it done lets the size check decide. */
export async function completeMultipart(
  location: S3Location,
  state: Pick<UploadState, 'key' | 'multipartUploadId'>,
  etags: string[],
): Promise<void> {
  try {
    await location.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: location.bucket,
        Key: state.key,
        UploadId: state.multipartUploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
  } catch (error) {
    // A retried Complete whose first attempt went through finds no upload: the size check decides.
    if (!isNotFound(error)) throw error;
  }
}

/** Checks the finished object's size (Complete's answer cannot be trusted: RGW gives an empty ETag). */
export async function checkFinishedSize(
  location: S3Location,
  state: UploadState & { size: number },
): Promise<void> {
  const size = await finishedSize(location, state.key);
  if (size !== state.size) {
    throw new CorruptUploadError(
      `Upload ${state.id} completed as ${size ?? 'no'} bytes instead of ${state.size}`,
    );
  }
}

export async function abortMultipartUpload(location: S3Location, state: UploadState): Promise<void> {
  if (state.multipartUploadId === undefined) return;
  try {
    await location.client.send(
      new AbortMultipartUploadCommand({
        Bucket: location.bucket,
        Key: state.key,
        UploadId: state.multipartUploadId,
      }),
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
