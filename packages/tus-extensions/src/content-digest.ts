import { createSHA256, type IHasher } from 'hash-wasm';

/**
 * SHA-256 of an upload's content, computed while the bytes arrive, whose state can be
 * saved beside the acknowledged offset and loaded by whichever process takes the next
 * request (after a crash, or on another instance): the finished upload's checksum then
 * costs no read-back. Node's crypto cannot save a hash's state, hence WebAssembly.
 */
export class ContentDigest {
  private constructor(private readonly hasher: IHasher) {}

  /** A digest of nothing yet, or one continuing from a saved state. */
  static async start(saved?: string): Promise<ContentDigest> {
    const hasher = await createSHA256();
    if (saved === undefined) hasher.init();
    else hasher.load(Buffer.from(saved, 'base64'));
    return new ContentDigest(hasher);
  }

  update(bytes: Uint8Array): void {
    this.hasher.update(bytes);
  }

  /** The state after every byte so far (about 150 characters), to store beside the offset. */
  save(): string {
    return Buffer.from(this.hasher.save()).toString('base64');
  }

  /** The hex digest; the digest cannot be updated afterwards. */
  hex(): string {
    return this.hasher.digest('hex');
  }
}
