import { Metadata } from '@tus/utils';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { findFile } from '../files/find-file.js';
import { ApiError } from '../http/errors.js';
import { pickLocation } from '../locations.js';
import { TUS_PATH } from './protocol.js';
import type { UploadServers } from './upload-servers.js';

/**
 * TUS at /files/tus: the creation request goes to the server of the location its
 * `Upload-Metadata` names (`storage`, else the default one); every later request to the
 * server of the location its record says, and only with the token that created it.
 */
export function registerTusRoutes(app: FastifyInstance, context: AppContext, uploads: UploadServers): void {
  app.register(async (scope) => {
    // The tus server reads PATCH bodies itself, straight from the socket.
    scope.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
    const handler = async (request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) => {
      const server =
        request.params.id === undefined
          ? uploads.serverFor(creationLocation(request, context, uploads))
          : await uploadServer(request, request.params.id, context, uploads);
      reply.hijack();
      await uploads.handle(server!, request.raw, reply.raw);
    };
    // Authenticated before anything reads the body.
    const onRequest = context.auth.requireAdmin;
    scope.route({ method: 'POST', url: TUS_PATH, onRequest, handler });
    scope.route({
      method: ['HEAD', 'PATCH', 'DELETE'],
      url: `${TUS_PATH}/:id`,
      exposeHeadRoute: false,
      onRequest,
      handler,
    });
  });
}

function creationLocation(request: FastifyRequest, context: AppContext, uploads: UploadServers): string {
  let requested: string | null | undefined;
  try {
    requested = Metadata.parse(request.headers['upload-metadata'] as string | undefined).storage;
  } catch {
    // Malformed metadata: the tus server answers it with the protocol's 400.
  }
  const location = pickLocation(context.storage, requested);
  if (!uploads.serverFor(location)) {
    throw new ApiError(
      400,
      'INVALID_PAYLOAD',
      `Storage location "${location}" does not take resumable uploads`,
    );
  }
  return location;
}

async function uploadServer(
  request: FastifyRequest,
  id: string,
  context: AppContext,
  uploads: UploadServers,
) {
  const file = await findFile(context.records, id);
  const server = uploads.serverFor(file.storage);
  if (!file.upload_token_hash || !server) throw new ApiError(404, 'NOT_FOUND', 'Upload not found');
  if (!context.auth.bearerMatches(request, file.upload_token_hash)) {
    throw new ApiError(403, 'FORBIDDEN', 'Only the token that created this upload may use it');
  }
  return server;
}
