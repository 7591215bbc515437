import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  type HeadObjectCommandOutput,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { isNotImplemented } from './errors.js';
import { MIN_PART_SIZE } from './limits.js';
import { partSizeFor } from './part-size.js';
import type { ProviderQuirks } from './providers.js';
import type { ObjectParams } from './write.js';

const GiB = 1024 ** 3;

export interface ObjectLocation {
  bucket: string;
  /** The full object key (root included). */
  key: string;
}

export interface CopyPlan {
  client: S3Client;
  quirks: ProviderQuirks;
  queueSize: number;
  source: ObjectLocation;
  /** HeadObject of the source: its size picks the method, its ETag pins the version copied. */
  sourceHead: HeadObjectCommandOutput;
  destination: ObjectLocation;
  /** ACL and encryption of the destination (S3 copies neither). */
  writeParams: Omit<ObjectParams, 'Bucket' | 'Key'>;
}

/** `bucket/key` with every segment percent-encoded, as CopySource requires (unicode, spaces, `+`, `?`, `#`). */
export function copySource({ bucket, key }: ObjectLocation): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Server-side copy keeping content type, cache control, disposition and metadata
 * (MetadataDirective COPY) and applying the location's ACL and encryption again.
 * Objects above `maxCopyObjectSize`, or refused by CopyObject with 501 where
 * `copyFallbackToMultipart` is on, are copied part by part with UploadPartCopy.
 */
export async function copyObject(plan: CopyPlan): Promise<void> {
  if ((plan.sourceHead.ContentLength ?? 0) > plan.quirks.maxCopyObjectSize) return multipartCopy(plan);
  try {
    await plan.client.send(
      new CopyObjectCommand({
        Bucket: plan.destination.bucket,
        Key: plan.destination.key,
        CopySource: copySource(plan.source),
        CopySourceIfMatch: plan.sourceHead.ETag,
        MetadataDirective: 'COPY',
        ...plan.writeParams,
      }),
    );
  } catch (error) {
    if (plan.quirks.copyFallbackToMultipart && isNotImplemented(error)) return multipartCopy(plan);
    throw error;
  }
}

async function multipartCopy({
  client,
  queueSize,
  quirks,
  source,
  sourceHead,
  destination,
  writeParams,
}: CopyPlan) {
  const size = sourceHead.ContentLength ?? 0;
  const { Bucket, Key } = { Bucket: destination.bucket, Key: destination.key };
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({
      Bucket,
      Key,
      ContentType: sourceHead.ContentType,
      CacheControl: sourceHead.CacheControl,
      ContentDisposition: sourceHead.ContentDisposition,
      ContentEncoding: sourceHead.ContentEncoding,
      ContentLanguage: sourceHead.ContentLanguage,
      Metadata: sourceHead.Metadata,
      ...writeParams,
    }),
  );
  try {
    // Parts cost no memory here: as large as CopyObject allows (up to 1 GiB), fewer requests.
    const partSize = partSizeFor(size, Math.max(MIN_PART_SIZE, Math.min(quirks.maxCopyObjectSize, GiB)));
    const count = Math.max(1, Math.ceil(size / partSize));
    const etags: string[] = new Array(count);
    let next = 0;
    const copyParts = async () => {
      for (let index = next++; index < count; index = next++) {
        const start = index * partSize;
        const { CopyPartResult } = await client.send(
          new UploadPartCopyCommand({
            Bucket,
            Key,
            UploadId,
            PartNumber: index + 1,
            CopySource: copySource(source),
            CopySourceIfMatch: sourceHead.ETag,
            // An empty object is one part without a range (bytes=0--1 is no range).
            ...(size === 0
              ? {}
              : { CopySourceRange: `bytes=${start}-${Math.min(size, start + partSize) - 1}` }),
          }),
        );
        etags[index] = CopyPartResult?.ETag ?? '';
      }
    };
    await Promise.all(Array.from({ length: Math.min(queueSize, count) }, copyParts));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => {});
    throw error;
  }
}
