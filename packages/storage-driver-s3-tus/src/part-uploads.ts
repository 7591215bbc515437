import type { Readable } from 'node:stream';
import { UploadPartCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { copySource } from '@stowage/storage-driver-s3';
import { Budget } from '@stowage/tus-extensions';
import type { Piece } from './concat-plan.js';
import type { S3Location } from './location.js';
import { withRetries } from './retry.js';
import type { StoredPart } from './stored-parts.js';
import type { UploadState } from './upload-objects.js';

/** The part uploads of every upload of a store, at most `maxConcurrent` in flight. */
export class PartUploads {
  private readonly slots: Budget;
  private readonly retries: number;

  constructor(
    private readonly location: S3Location,
    { maxConcurrent, retries }: { maxConcurrent: number; retries: number },
  ) {
    this.slots = new Budget(maxConcurrent);
    this.retries = retries;
  }

  /** Stores a part from its buffer, retried with backoff. */
  buffered(state: UploadState, partNumber: number, body: Buffer): Promise<StoredPart> {
    return this.slots.use(1, () =>
      withRetries(this.retries, async () => {
        const { ETag } = await this.location.client.send(this.command(state, partNumber, body, body.length));
        return { etag: ETag!, size: body.length };
      }),
    );
  }

  /** Sends a part once, its body streamed as it arrives; `signal` cancels it (see StreamedAttempt). */
  streamed(
    state: UploadState,
    partNumber: number,
    body: Readable,
    length: number,
    signal: AbortSignal,
  ): Promise<StoredPart> {
    return this.slots.use(1, async () => {
      signal.throwIfAborted();
      const command = this.command(state, partNumber, body, length);
      // The SDK cannot retry a stream (and warns on the console when it fails): the retries are
      // `buffered`'s, from the buffer. Its retry middleware lives on the client's stack, and
      // others (request signing) are placed relative to it: it is replaced by one that only
      // passes the request on, not removed (which fails every such request).
      const resolve = command.resolveMiddleware.bind(command);
      command.resolveMiddleware = (clientStack, config, options) => {
        const stack = clientStack.clone();
        stack.add((next) => next, {
          name: 'retryMiddleware',
          tags: ['RETRY'],
          step: 'finalizeRequest',
          priority: 'high',
          override: true,
        });
        return resolve(stack, config, options);
      };
      const { ETag } = await this.location.client.send(command, { abortSignal: signal });
      return { etag: ETag!, size: length };
    });
  }

  /** Stores a part copied server-side from a range of another object of the bucket. */
  copied(state: UploadState, partNumber: number, piece: Piece): Promise<StoredPart> {
    return this.slots.use(1, () =>
      withRetries(this.retries, async () => {
        const { CopyPartResult } = await this.location.client.send(
          new UploadPartCopyCommand({
            Bucket: this.location.bucket,
            Key: state.key,
            UploadId: state.multipartUploadId,
            PartNumber: partNumber,
            CopySource: copySource({ bucket: this.location.bucket, key: piece.key }),
            CopySourceRange: `bytes=${piece.start}-${piece.end - 1}`,
          }),
        );
        return { etag: CopyPartResult!.ETag!, size: piece.end - piece.start };
      }),
    );
  }

  private command(state: UploadState, partNumber: number, body: Buffer | Readable, length: number) {
    return new UploadPartCommand({
      Bucket: this.location.bucket,
      Key: state.key,
      UploadId: state.multipartUploadId,
      PartNumber: partNumber,
      Body: body,
      ContentLength: length,
    });
  }
}
