/** How long unused buffers are kept after the last part was taken, before they are let go. */
const IDLE_MS = 30_000;

/**
 * The memory parts are collected in, reused from part to part: a new buffer of several
 * MiB per part costs the garbage collector more than anything else a PATCH allocates.
 * Buffers are shared memory (SharedArrayBuffer), so that the hashing thread reads the
 * bytes where they are (ContentDigest). Buffers of the store's part size are kept for
 * the next part, as many as the memory budget holds; larger ones (uploads whose plan
 * raised the part size) are not. Kept buffers are let go after a while without uploads.
 */
export class PartBuffers {
  private readonly free: SharedArrayBuffer[] = [];
  private readonly keep: number;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly size: number,
    budget: number,
  ) {
    this.keep = Math.floor(budget / size);
  }

  /** A buffer of `length` bytes, whose content is undefined. */
  take(length: number): Buffer {
    const memory =
      length <= this.size
        ? (this.free.pop() ?? new SharedArrayBuffer(this.size))
        : new SharedArrayBuffer(length);
    return Buffer.from(memory, 0, length);
  }

  /** Gives a buffer back once nothing reads or writes it any more. */
  give(buffer: Buffer): void {
    const memory = buffer.buffer as SharedArrayBuffer;
    if (memory.byteLength !== this.size || this.free.length >= this.keep) return;
    this.free.push(memory);
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.free.splice(0), IDLE_MS).unref();
  }
}
