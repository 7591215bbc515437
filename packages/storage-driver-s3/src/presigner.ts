import { GetObjectCommand, PutObjectCommand, type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignReadOptions, PresignWriteOptions } from '@stowage/storage';
import { createS3Client } from './client.js';
import type { S3DriverOptions } from './options.js';
import type { ProviderQuirks } from './providers.js';
import type { ObjectWriteParams } from './s3-driver.js';

/**
 * Presigned URLs of one location. Signed with a client of its own that computes no
 * request checksums: with the SDK's default (WHEN_SUPPORTED, in effect on AWS) every
 * presigned PutObject and UploadPart URL carries `x-amz-checksum-crc32=AAAAAA==`, the
 * CRC32 of an empty body, and AWS refuses the real upload with BadDigest. Signing is
 * local: this client never opens a connection.
 */
export class Presigner {
  readonly #client: S3Client;

  constructor(
    options: S3DriverOptions,
    quirks: ProviderQuirks,
    private readonly bucket: string,
  ) {
    this.#client = createS3Client(options, {
      ...quirks,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  read(
    Key: string,
    { expiresIn, signedAt, responseContentType, responseContentDisposition }: PresignReadOptions,
  ): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key,
      ResponseContentType: responseContentType,
      ResponseContentDisposition: responseContentDisposition,
    });
    return getSignedUrl(this.#client, command, { expiresIn, signingDate: signedAt });
  }

  /** Content-Length, when given, is a signed header: the backend refuses a body of another length. */
  write(
    Key: string,
    { expiresIn, signedAt, contentType, contentLength }: PresignWriteOptions,
    writeParams: ObjectWriteParams,
  ): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key,
      ContentType: contentType,
      ContentLength: contentLength,
      ...writeParams,
    });
    return getSignedUrl(this.#client, command, { expiresIn, signingDate: signedAt });
  }

  uploadPart(Key: string, UploadId: string, PartNumber: number, expiresIn: number): Promise<string> {
    const command = new UploadPartCommand({ Bucket: this.bucket, Key, UploadId, PartNumber });
    return getSignedUrl(this.#client, command, { expiresIn });
  }
}
