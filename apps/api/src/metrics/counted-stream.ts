import type { Readable } from 'node:stream';
import { pipeline, Transform } from 'node:stream';

/**
 * The stream, with every chunk counted as it passes to the client. A pipeline: an error
 * of the source fails the result, and the result destroyed (client gone) destroys the
 * source, releasing its file or connection.
 */
export function counted(source: Readable, onBytes: (count: number) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
  return pipeline(source, counter, () => {});
}
