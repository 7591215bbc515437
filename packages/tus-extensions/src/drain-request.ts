import type { IncomingMessage } from 'node:http';

/** How much of a refused request's body is read away, and for how long, before the connection is cut. */
export const DRAIN_LIMITS = { bytes: 64 * 1024 * 1024, milliseconds: 10_000 };

/**
 * A request refused before its body was read (413, 409, 460…) leaves a client still
 * sending it. Closing the connection then resets it under the client, which reports a
 * broken pipe instead of our answer. The rest of the body is read and dropped instead,
 * up to a bound, after which the connection is cut.
 */
export function drainRequest(req: IncomingMessage, limits = DRAIN_LIMITS): void {
  if (req.complete || req.destroyed) return;
  let dropped = 0;
  const cut = setTimeout(() => req.destroy(), limits.milliseconds).unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > limits.bytes) req.destroy();
  });
  req.once('end', () => clearTimeout(cut));
  req.once('close', () => clearTimeout(cut));
  req.resume();
}
