import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK_SIZE = 256 * 1024;
const AES_BLOCK = 16;

/**
 * Bytes `[offset, offset + size)` of a deterministic pseudo-random sequence named by
 * `seed`. The sequence is an AES-CTR keystream, so any slice is regenerated directly,
 * without the bytes before it (to check a range of a huge file).
 */
export function randomBuffer(size: number, seed: string | number = 0, offset = 0): Buffer {
  const key = createHash('sha256').update(String(seed)).digest().subarray(0, 16);
  const counter = Buffer.alloc(AES_BLOCK);
  counter.writeBigUInt64BE(BigInt(Math.floor(offset / AES_BLOCK)), 8);
  const skip = offset % AES_BLOCK;
  const keystream = createCipheriv('aes-128-ctr', key, counter).update(Buffer.alloc(skip + size));
  return keystream.subarray(skip);
}

/** The same bytes as randomBuffer, generated chunk by chunk as they are read: never held whole. */
export function randomStream(size: number, seed: string | number = 0, offset = 0): Readable {
  let position = offset;
  const end = offset + size;
  return new Readable({
    read() {
      if (position === end) {
        this.push(null);
        return;
      }
      const length = Math.min(CHUNK_SIZE, end - position);
      this.push(randomBuffer(length, seed, position));
      position += length;
    },
  });
}

/** A stream that yields `bytesBeforeFailure` bytes, then fails: a client that hangs up mid-upload. */
export function failingStream(
  bytesBeforeFailure: number,
  error = new Error('Simulated source failure'),
): Readable {
  const body = randomStream(bytesBeforeFailure, 'failing-stream');
  return Readable.from(
    (async function* () {
      yield* body;
      throw error;
    })(),
    { objectMode: false },
  );
}

/** A stream of the given content, for writes. */
export function streamOf(content: string | Buffer): Readable {
  return Readable.from([typeof content === 'string' ? Buffer.from(content) : content], { objectMode: false });
}

export async function streamToBuffer(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Hex sha256 of everything the stream yields, without keeping it. */
export async function sha256OfStream(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}
