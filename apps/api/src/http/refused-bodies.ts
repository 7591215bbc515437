import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** At most this much of a refused request's body is read and dropped... */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
/** ...for at most this long, before the connection is cut. */
const DRAIN_MAX_MS = 10_000;

/**
 * A request answered before its body was read (refused: 401, 413, an unknown location)
 * leaves its client still sending. Closing the connection then resets it, and most
 * clients report the reset (EPIPE) instead of the answer waiting in their receive
 * buffer. So the rest of the body is read and dropped, up to a bound, and the connection
 * stays usable; past the bound it is cut.
 */
export function drainRefusedBodies(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (hasBody(request.raw)) reply.raw.once('finish', () => drain(request.raw));
  });
}

export function hasBody(request: IncomingMessage): boolean {
  return (
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0
  );
}

function drain(request: IncomingMessage): void {
  if (request.complete || request.destroyed) return;
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
  const deadline = setTimeout(cut, DRAIN_MAX_MS).unref();
  const stop = () => clearTimeout(deadline);
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) {
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
