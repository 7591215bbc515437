import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { StartedMultipartUpload, UploadedPart } from '@stowage/storage';
import { isNotFound } from './errors.js';
import { partSizeFor } from './part-size.js';
import type { ObjectWriteParams } from './s3-driver.js';

/** Where the multipart uploads of one location go, and how objects there are written. */
export interface MultipartTarget {
  client: S3Client;
  bucket: string;
  writeParams: ObjectWriteParams;
  /** Planned for when the size is not known. */
  maxObjectSize: number;
}

/** CreateMultipartUpload with the location's ACL and encryption; parts advised so that the size fits in 10,000. */
export async function startMultipartUpload(
  target: MultipartTarget,
  Key: string,
  { size, contentType }: { size?: number; contentType?: string },
): Promise<StartedMultipartUpload> {
  const { UploadId } = await target.client.send(
    new CreateMultipartUploadCommand({
      Bucket: target.bucket,
      Key,
      ContentType: contentType,
      ...target.writeParams,
    }),
  );
  if (!UploadId) throw new Error('CreateMultipartUpload answered no UploadId');
  return { uploadId: UploadId, partSize: partSizeFor(size ?? target.maxObjectSize) };
}

/** Every part received, page after page (ListParts answers 1,000 at most). */
export async function listUploadedParts(
  target: MultipartTarget,
  Key: string,
  UploadId: string,
): Promise<UploadedPart[]> {
  const parts: UploadedPart[] = [];
  let PartNumberMarker: string | undefined;
  do {
    const page = await target.client.send(
      new ListPartsCommand({ Bucket: target.bucket, Key, UploadId, PartNumberMarker }),
    );
    for (const part of page.Parts ?? []) {
      parts.push({ partNumber: part.PartNumber ?? 0, size: part.Size ?? 0, etag: part.ETag ?? '' });
    }
    PartNumberMarker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (PartNumberMarker);
  return parts;
}

export async function completeMultipartUpload(
  target: MultipartTarget,
  Key: string,
  UploadId: string,
  parts: readonly Pick<UploadedPart, 'partNumber' | 'etag'>[],
): Promise<void> {
  const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  await target.client.send(
    new CompleteMultipartUploadCommand({
      Bucket: target.bucket,
      Key,
      UploadId,
      MultipartUpload: {
        Parts: ordered.map(({ partNumber, etag }) => ({ PartNumber: partNumber, ETag: etag })),
      },
    }),
  );
}

export async function abortMultipartUpload(
  target: MultipartTarget,
  Key: string,
  UploadId: string,
): Promise<void> {
  try {
    await target.client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key, UploadId }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
