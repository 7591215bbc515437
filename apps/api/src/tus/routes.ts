import { Metadata, TUS_RESUMABLE } from '@tus/utils';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { findFile } from '../files/find-file.js';
import { isUuid } from '../files/names.js';
import { ApiError } from '../http/errors.js';
import { pickLocation } from '../locations.js';
import { TUS_PATH } from './protocol.js';
import {
  tusAppendSchema,
  tusCreateSchema,
  tusDiscoverySchema,
  tusMethodOverrideSchema,
  tusOffsetSchema,
  tusTerminateSchema,
  tusUploadDiscoverySchema,
} from './schemas.js';
import type { UploadServers } from './upload-servers.js';

type TusRequest = FastifyRequest<{ Params: { id?: string } }>;

/**
 * TUS at /files/tus: the creation request goes to the server of the location its
 * `Upload-Metadata` names (`storage`, else the default one); every later request to the
 * server of the location its record (or, for a partial upload, its partial row) says,
 * and only with the token that created it. Discovery (OPTIONS) needs no token.
 */
export function registerTusRoutes(app: FastifyInstance, context: AppContext, uploads: UploadServers): void {
  app.register(async (scope) => {
    // The tus server reads PATCH bodies itself, straight from the socket.
    scope.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
    // Every answer on these paths speaks the protocol, the API's own errors included.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('Tus-Resumable', TUS_RESUMABLE);
    });
    const handOver = async (
      server: ReturnType<UploadServers['serverFor']>,
      request: TusRequest,
      reply: FastifyReply,
    ) => {
      reply.hijack();
      await uploads.handle(server!, request.raw, reply.raw);
    };
    // Authenticated before anything reads the body (discovery needs no token).
    const onRequest = context.auth.requireAdmin;
    const creation = async (request: TusRequest, reply: FastifyReply) => {
      const location = creationLocation(request, context, uploads);
      await checkPartials(request, location, context, uploads);
      await handOver(uploads.serverFor(location), request, reply);
    };
    const upload = async (request: TusRequest, reply: FastifyReply) => {
      if (request.method === 'POST') requireMethodOverride(request);
      await handOver(await uploadServer(request, request.params.id!, context, uploads), request, reply);
    };
    const discovery = (request: TusRequest, reply: FastifyReply) =>
      handOver(uploads.serverFor(uploads.locationNames[0]!), request, reply);
    scope.route({ method: 'POST', url: TUS_PATH, schema: tusCreateSchema, onRequest, handler: creation });
    scope.route({ method: 'OPTIONS', url: TUS_PATH, schema: tusDiscoverySchema, handler: discovery });
    // One route per method: each is its own operation in the OpenAPI document. POST
    // carries PATCH and DELETE for clients behind proxies (X-HTTP-Method-Override).
    const uploadMethods = {
      HEAD: tusOffsetSchema,
      PATCH: tusAppendSchema,
      DELETE: tusTerminateSchema,
      POST: tusMethodOverrideSchema,
    };
    // @fastify/swagger leaves out HEAD routes (Fastify's copies of GET routes) unless told.
    const config = { swagger: { exposeHeadRoute: true } };
    for (const [method, schema] of Object.entries(uploadMethods))
      scope.route({ method, url: `${TUS_PATH}/:id`, schema, config, onRequest, handler: upload });
    scope.route({
      method: 'OPTIONS',
      url: `${TUS_PATH}/:id`,
      schema: tusUploadDiscoverySchema,
      handler: discovery,
    });
  });
}

/**
 * POST on an upload's URL is PATCH or DELETE in disguise: the tus server would take a
 * plain one for a creation, past the checks of POST /files/tus (location, partials).
 */
function requireMethodOverride(request: FastifyRequest): void {
  const override = request.headers['x-http-method-override'];
  if (typeof override === 'string' && ['PATCH', 'DELETE'].includes(override.trim().toUpperCase())) return;
  throw new ApiError(
    400,
    'INVALID_PAYLOAD',
    'POST on an upload needs X-HTTP-Method-Override: PATCH or DELETE (uploads are created at /files/tus)',
  );
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

/**
 * A final upload joins partials of its own location created with the same token: the
 * store joins them server-side, and nobody joins another's uploads.
 */
async function checkPartials(
  request: FastifyRequest,
  location: string,
  context: AppContext,
  uploads: UploadServers,
): Promise<void> {
  const concat = request.headers['upload-concat'];
  if (typeof concat !== 'string' || !concat.trim().startsWith('final;')) return;
  const ids = concat
    .trim()
    .slice('final;'.length)
    .trim()
    .split(/ +/)
    .map((url) => url.slice(url.lastIndexOf('/') + 1));
  for (const id of ids) {
    const partial = isUuid(id) ? await uploads.partials.get(id.toLowerCase()) : undefined;
    if (!partial || !context.auth.bearerMatches(request, partial.upload_token_hash ?? '')) {
      throw new ApiError(400, 'INVALID_PAYLOAD', `Upload-Concat names an unknown partial upload "${id}"`);
    }
    if (partial.storage !== location) {
      throw new ApiError(
        400,
        'INVALID_PAYLOAD',
        `Partial upload "${id}" is in location "${partial.storage}", the final upload in "${location}": create partial uploads in the final upload's location (tus-js-client: metadataForPartialUploads: { storage: "${location}" })`,
      );
    }
  }
}

async function uploadServer(
  request: FastifyRequest,
  id: string,
  context: AppContext,
  uploads: UploadServers,
) {
  const { storage, tokenHash } = await ownerOf(id, context, uploads);
  const server = uploads.serverFor(storage);
  if (!tokenHash || !server) throw new ApiError(404, 'NOT_FOUND', 'Upload not found');
  if (!context.auth.bearerMatches(request, tokenHash)) {
    throw new ApiError(403, 'FORBIDDEN', 'Only the token that created this upload may use it');
  }
  return server;
}

/** Where an upload lives and who created it: its file record, or its partial row. */
async function ownerOf(id: string, context: AppContext, uploads: UploadServers) {
  const partial = isUuid(id) ? await uploads.partials.get(id.toLowerCase()) : undefined;
  if (partial) return { storage: partial.storage, tokenHash: partial.upload_token_hash };
  const file = await findFile(context.records, id);
  return { storage: file.storage, tokenHash: file.upload_token_hash };
}
