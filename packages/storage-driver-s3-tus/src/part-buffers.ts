/** The unit parts are collected in. */
const BLOCK = 1024 * 1024;
/** How long unused blocks are kept after the last one was taken, before they are let go. */
const IDLE_MS = 30_000;

/**
 * The memory parts are collected in: blocks of 1 MiB reused from part to part (a new
 * buffer of several MiB per part costs the garbage collector more than anything else a
 * PATCH allocates, and one of an odd size — a part fitted to its PATCH — is garbage
 * after one use). Blocks are shared memory (SharedArrayBuffer), so that the hashing
 * thread reads the bytes where they are (ContentDigest). As many are kept as the memory
 * budget holds; kept blocks are let go after a while without uploads.
 */
export class PartBuffers {
  private readonly free: Buffer[] = [];
  private readonly keep: number;
  private idle: NodeJS.Timeout | undefined;

  constructor(budget: number) {
    this.keep = Math.ceil(budget / BLOCK);
  }

  /** A buffer for a part of `length` bytes, taking blocks as it fills. */
  part(length: number): PartBuffer {
    return new PartBuffer(this, length);
  }

  take(): Buffer {
    return this.free.pop() ?? Buffer.from(new SharedArrayBuffer(BLOCK));
  }

  give(blocks: Buffer[]): void {
    this.free.push(...blocks.slice(0, Math.max(0, this.keep - this.free.length)));
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.free.splice(0), IDLE_MS).unref();
  }
}

/** One part's bytes, in blocks taken as they are needed. */
export class PartBuffer {
  private readonly blocks: Buffer[] = [];
  filled = 0;

  constructor(
    private readonly pool: PartBuffers,
    readonly length: number,
  ) {}

  get full(): boolean {
    return this.filled === this.length;
  }

  /**
   * Copies bytes of `source` from `at` on, as many as the part and its current block
   * take, and answers where they now are (read there, not copied, by the digest and the
   * streamed attempt: valid until `release()`).
   */
  fill(source: Uint8Array, at: number): Buffer {
    const offset = this.filled % BLOCK;
    if (offset === 0) this.blocks.push(this.pool.take());
    const block = this.blocks[this.blocks.length - 1]!;
    const count = Math.min(BLOCK - offset, this.length - this.filled, source.length - at);
    block.set(source.subarray(at, at + count), offset);
    this.filled += count;
    return block.subarray(offset, offset + count);
  }

  /** The bytes so far, as one buffer of their own (a copy: for a retry, or a remainder). */
  bytes(): Buffer {
    const bytes = Buffer.allocUnsafe(this.filled);
    for (const [index, block] of this.blocks.entries())
      block.copy(bytes, index * BLOCK, 0, Math.min(BLOCK, this.filled - index * BLOCK));
    return bytes;
  }

  /** Gives the blocks back, once nothing reads their bytes any more. */
  release(): void {
    this.pool.give(this.blocks.splice(0));
  }
}
