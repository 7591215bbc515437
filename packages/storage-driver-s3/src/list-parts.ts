import { ListPartsCommand, type Part, type S3Client } from '@aws-sdk/client-s3';

/** Every part of a multipart upload, page after page (ListParts answers 1,000 at most). */
export async function* listParts(
  client: S3Client,
  { bucket, key, uploadId }: { bucket: string; key: string; uploadId: string | undefined },
): AsyncGenerator<Part> {
  let PartNumberMarker: string | undefined;
  do {
    const page = await client.send(
      new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker }),
    );
    yield* page.Parts ?? [];
    PartNumberMarker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (PartNumberMarker);
}
