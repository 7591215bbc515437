import type { IncomingMessage } from 'node:http';

/** How much of a refused request's body is read away, and for how long, before the connection is cut. */
export const DRAIN_LIMITS = { bytes: 64 * 1024 * 1024, milliseconds: 10_000 };

const draining = new WeakSet<IncomingMessage>();

/**
 * A request answered before its body was read (refused: 401, 413, 460…) leaves its client
 * still sending. Closing the connection then resets it, and most clients report the reset
 * (EPIPE) instead of the answer waiting in their receive buffer. So the rest of the body
 * is read and dropped, up to a bound, and the connection stays usable; past the bound it
 * is cut. Calling it again for the same request does nothing.
 */
export function drainRequest(request: IncomingMessage, limits = DRAIN_LIMITS): void {
  if (request.complete || request.destroyed || draining.has(request)) return;
  draining.add(request);
  const { socket } = request;
  // A connection that closes after this answer (the client sent Connection: close) is
  // destroyed by Node as soon as the answer is flushed, unread bytes and all: a reset.
  // It closes once the body is drained instead.
  const closeAfter = socket.listeners('finish').includes(socket.destroy);
  if (closeAfter) socket.removeListener('finish', socket.destroy);
  // Whatever was reading (a multipart parser, a web stream adapter) has given up with the
  // request, but would pause it again as its unread queue fills, as Node's own dump knows.
  request.unpipe();
  request.removeAllListeners('data').removeAllListeners('readable');
  let drained = 0;
  const cut = () => socket.destroy();
  const deadline = setTimeout(cut, limits.milliseconds).unref();
  const stop = () => clearTimeout(deadline);
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > limits.bytes) {
      stop();
      cut();
    }
  });
  request.once('end', () => {
    stop();
    if (closeAfter) socket.destroy();
  });
  request.once('close', stop);
  request.resume();
}
