import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { contentTooLarge } from '../http/errors.js';

/**
 * Passes bytes through while counting them and hashing them (SHA-256), so a file's
 * size and checksum are known the moment it has been written, without a second read.
 * Past `maxSize` it fails the stream, which makes the driver discard the write.
 */
export class ContentMeter extends Transform {
  /**
   * Bytes seen so far. Not named `size`: lib-storage takes a body's `size` for its total
   * length (as a Blob's) and would plan a multipart upload of 0 bytes.
   */
  bytesSeen = 0;
  private readonly hash = createHash('sha256');

  constructor(
    private readonly maxSize = Number.POSITIVE_INFINITY,
    /** Told of every chunk as it passes: a progress display of a long copy or check. */
    private readonly onBytes?: (count: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytesSeen += chunk.length;
    if (this.bytesSeen > this.maxSize) {
      callback(contentTooLarge(this.maxSize));
      return;
    }
    this.hash.update(chunk);
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }

  /** Only once the stream has ended. */
  checksum(): string {
    return this.hash.copy().digest('hex');
  }
}
