import { createWriteStream } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { failure, isNoSpace } from './local-failures.js';

/** What sees the body's bytes on their way to the disk (a checksum, the content digest). */
interface Observer {
  update(bytes: Uint8Array): void;
}

export interface ReceivedBody {
  /** Bytes written (and flushed) at the offset. */
  written: number;
  /** Whether the observers saw exactly the bytes written (none that never reached the disk). */
  allHashed: boolean;
  /** The request's own failure (the client went away, too many bytes): what was written stays. */
  streamError: unknown;
}

/**
 * Writes a request body into the upload's bytes at `offset`, flushed, showing every byte
 * to the observers. A full disk gives back the space of this request's bytes (never
 * acknowledged) before it fails, so the location and its health probe work again.
 */
export async function receiveBody(
  id: string,
  readable: Readable,
  path: string,
  offset: number,
  observers: (Observer | undefined)[],
): Promise<ReceivedBody> {
  let seen = 0;
  const observe = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (const observer of observers) observer?.update(chunk);
      seen += chunk.length;
      done(null, chunk);
    },
  });
  const part = createWriteStream(path, { flags: 'r+', start: offset, flush: true });
  let streamError: unknown;
  try {
    await pipeline(readable, observe, part);
  } catch (error) {
    // Only the disk runs out of space (pipeline hands its error to the request stream too).
    if (isNoSpace(error)) {
      await truncate(path, offset).catch(() => {});
      throw failure(error, id);
    }
    if (!readable.errored) throw failure(error, id);
    streamError = readable.errored;
  }
  return { written: part.bytesWritten, allHashed: seen === part.bytesWritten, streamError };
}
