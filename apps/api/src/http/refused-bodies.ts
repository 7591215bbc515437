import type { IncomingMessage } from 'node:http';
import { drainRequest } from '@stowage/tus-extensions';
import type { FastifyInstance } from 'fastify';

/**
 * Every request answered before its body was read (refused: 401, 413, an unknown
 * location) has the rest of its body read away (see drainRequest), so its client reads
 * the answer instead of a reset.
 */
export function drainRefusedBodies(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (hasBody(request.raw)) reply.raw.once('finish', () => drainRequest(request.raw));
  });
}

export function hasBody(request: IncomingMessage): boolean {
  return (
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0
  );
}
