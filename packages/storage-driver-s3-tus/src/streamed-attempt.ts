import { PassThrough, type Readable } from 'node:stream';
import type { StoredPart } from './stored-parts.js';

/**
 * The first attempt at a part, sent to S3 while its bytes still arrive, so that a PATCH
 * of one part costs one transfer time, not two. Its body is a stream, which the SDK
 * cannot send twice: a failed attempt answers undefined and the part is sent again
 * from its buffer. An attempt whose part never fills is cancelled: S3 never stores a
 * part whose body ended short of its Content-Length.
 */
export class StreamedAttempt {
  readonly result: Promise<StoredPart | undefined>;
  private readonly body = new PassThrough();
  private readonly controller = new AbortController();

  constructor(send: (body: Readable, signal: AbortSignal) => Promise<StoredPart>) {
    this.result = send(this.body, this.controller.signal).catch(() => undefined);
  }

  /** Bytes of the part's buffer (not copied: the buffer outlives the attempt). */
  push(bytes: Buffer): void {
    if (bytes.length > 0) this.body.write(bytes);
  }

  end(): void {
    this.body.end();
  }

  cancel(): void {
    this.controller.abort();
    this.body.destroy();
  }
}
