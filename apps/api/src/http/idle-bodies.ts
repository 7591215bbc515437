import type { IncomingMessage } from 'node:http';
import { IdleWatch } from '@stowage/storage';
import type { FastifyInstance } from 'fastify';
import { hasBody } from './refused-bodies.js';

/**
 * Aborts a request whose body stops arriving for `idleMs`: a client that went silent
 * mid-upload (gone, or its network stalled) would otherwise hold its temporary file,
 * multipart upload and tus lock for as long as the connection lives. Aborting fails the
 * write, which cleans up as any failed write does; a resumable upload keeps the bytes
 * it received. Only the client's silence counts: while this process is not reading (its
 * buffer full, the backend slow) the client cannot send, and the backend's own deadline
 * applies. The watch ends with the body: computing the answer may take long.
 */
export function abortIdleBodies(app: FastifyInstance, idleMs: number): void {
  if (idleMs <= 0) return;
  const watch = new IdleWatch<IncomingMessage>(
    idleMs,
    (request) =>
      request.readableLength >= request.readableHighWaterMark ? 'excused' : request.socket.bytesRead,
    (request) =>
      request.destroy(
        Object.assign(new Error(`No request body received for ${idleMs} ms`), { code: 'ERR_BODY_IDLE' }),
      ),
  );
  app.addHook('onRequest', async (request, reply) => {
    const raw = request.raw;
    if (!hasBody(raw) || raw.complete) return;
    watch.watch(raw);
    const unwatch = () => watch.unwatch(raw);
    raw.once('end', unwatch).once('close', unwatch);
    reply.raw.once('finish', unwatch);
  });
}
