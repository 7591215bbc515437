import { type DigestThread, digestThread } from './digest-threads.js';

/** The size of hash-wasm's saved SHA-256 state (its version prefix included). */
const STATE_BYTES = 116;

/** Bytes of a shared buffer sent to the thread together, not chunk by chunk. */
const BATCH_BYTES = 1024 * 1024;

/** Digests dropped without `hex()` (a failed request) free their state on the thread. */
const abandoned = new FinalizationRegistry<{ thread: DigestThread; id: number }>(({ thread, id }) =>
  thread.post({ op: 'drop', id }),
);

/**
 * SHA-256 of an upload's content, computed while the bytes arrive, whose state can be
 * saved beside the acknowledged offset and loaded by whichever process takes the next
 * request (after a crash, or on another instance): the finished upload's checksum then
 * costs no read-back. Node's crypto cannot save a hash's state, hence WebAssembly
 * (hash-wasm), which is slow enough to run on threads of its own (digest-threads.ts):
 * `update` only hands the bytes over, `save` and `hex` answer once they are hashed.
 */
export class ContentDigest {
  /** Bytes of a SharedArrayBuffer handed over but not sent yet: contiguous ones go as one. */
  private pending: Uint8Array | undefined;

  private constructor(
    private readonly thread: DigestThread,
    private readonly id: number,
  ) {}

  /**
   * A digest of nothing yet, or one continuing from a saved state: rejected at once when
   * it has not a state's size, at the first `save()` or `hex()` when the thread cannot
   * load it (a request does not wait for the thread to start hashing).
   */
  static async start(saved?: string): Promise<ContentDigest> {
    const state = saved === undefined ? undefined : Buffer.from(saved, 'base64');
    if (state !== undefined && state.length !== STATE_BYTES)
      throw new Error(`SHA-256 digest: a saved state has ${STATE_BYTES} bytes, not ${state.length}`);
    const { thread, id } = digestThread();
    thread.post({ op: 'start', id, ...(state && { state }) });
    const digest = new ContentDigest(thread, id);
    abandoned.register(digest, { thread, id }, digest);
    return digest;
  }

  /**
   * Adds bytes. Bytes in a SharedArrayBuffer are read by the hashing thread where they
   * are, later: they must stay unchanged until the next `save()` or `hex()` settles.
   * Other bytes are copied.
   */
  update(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (!(bytes.buffer instanceof SharedArrayBuffer)) {
      this.flush();
      const copy = new Uint8Array(bytes);
      this.thread.post({ op: 'update', id: this.id, bytes: copy }, [copy.buffer]);
      return;
    }
    const pending = this.pending;
    if (pending?.buffer === bytes.buffer && pending.byteOffset + pending.length === bytes.byteOffset) {
      this.pending = new Uint8Array(pending.buffer, pending.byteOffset, pending.length + bytes.length);
    } else {
      this.flush();
      this.pending = bytes;
    }
    if (this.pending.length >= BATCH_BYTES) this.flush();
  }

  /** The state after every byte so far (about 150 characters), to store beside the offset. */
  async save(): Promise<string> {
    this.flush();
    const state = await this.thread.ask<Uint8Array>({
      op: 'save',
      id: this.id,
      reply: this.thread.replyNumber(),
    });
    return Buffer.from(state).toString('base64');
  }

  /** The hex digest; the digest cannot be updated afterwards. */
  async hex(): Promise<string> {
    this.flush();
    abandoned.unregister(this);
    return this.thread.ask<string>({ op: 'hex', id: this.id, reply: this.thread.replyNumber() });
  }

  private flush(): void {
    if (this.pending === undefined) return;
    this.thread.post({ op: 'update', id: this.id, bytes: this.pending });
    this.pending = undefined;
  }
}

/** SHA-256 of no bytes: an empty upload's checksum. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
