import type { Readable } from 'node:stream';
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { WriteOptions } from '@stowage/storage';
import type { S3DriverOptions } from './options.js';
import { partSizeFor } from './part-size.js';

export type ObjectParams = Omit<PutObjectCommandInput, 'Body'>;

/**
 * Stores `content` under `params.Key`. A known size up to `multipartThreshold` is
 * buffered and sent as one PutObject (a buffer, unlike a stream, can be retried);
 * anything else streams through lib-storage, which holds at most queueSize parts in
 * memory, sends one PutObject when the stream fits in a part, and aborts its multipart
 * upload when the write fails or is aborted, so a failed write leaves no object.
 */
export async function writeObject(
  client: S3Client,
  options: S3DriverOptions,
  maxObjectSize: number,
  params: ObjectParams,
  content: Readable,
  { size, maxSize, signal }: WriteOptions,
): Promise<void> {
  signal?.throwIfAborted();
  if (size !== undefined && size <= options.multipartThreshold) {
    const body = await readExactly(content, size, signal);
    await client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: size }), {
      abortSignal: signal,
    });
    return;
  }
  const upload = new Upload({
    client,
    params: { ...params, Body: content },
    partSize: options.partSize ?? partSizeFor(size ?? Math.min(maxSize ?? maxObjectSize, maxObjectSize)),
    queueSize: options.queueSize,
    leavePartsOnError: false,
  });
  const abort = () => void upload.abort().catch(() => {});
  signal?.addEventListener('abort', abort, { once: true });
  try {
    await upload.done();
  } catch (error) {
    content.destroy();
    throw signal?.aborted ? signal.reason : error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** The whole stream, which must be `size` bytes long (the caller said so). */
async function readExactly(content: Readable, size: number, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of content) {
    signal?.throwIfAborted();
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    received += buffer.length;
    if (received > size) break;
    chunks.push(buffer);
  }
  if (received !== size) {
    content.destroy();
    throw new Error(
      `The content's length (${received > size ? 'more than ' : ''}${received} bytes) differs from the size given (${size})`,
    );
  }
  return Buffer.concat(chunks, size);
}
