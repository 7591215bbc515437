import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { cleanFilename, cleanMediaType } from '../files/names.js';
import { presentFile } from '../files/present-file.js';
import { invalidPayload } from '../http/errors.js';
import { publicBaseUrl } from '../http/public-url.js';
import { parseBody } from '../http/validation.js';
import { pickLocation } from '../locations.js';
import { authorizeUpload } from './authorize.js';
import { registerCompanionRoutes } from './companion-routes.js';
import type { DirectUploads, StartedDirectUpload } from './direct-uploads.js';
import { type GrantScope, issueGrant } from './grants.js';
import {
  abortDirectUploadSchema,
  completeBody,
  completeDirectUploadSchema,
  grantBody,
  grantSchema,
  startBody,
  startDirectUploadSchema,
} from './schemas.js';

type GrantRequest = { Params: { grant: string } };

/**
 * Direct uploads: `POST /files/uploads` (token) starts one and answers a presigned PUT
 * or a multipart plan, plus `endpoint`, the upload's own base URL (a signed grant in its
 * path: no token needed) for completing, aborting and Uppy's multipart protocol.
 * `POST /files/uploads/grants` (token) answers an endpoint that starts uploads into a
 * location, for Uppy's `companionEndpoint`.
 */
export function registerDirectUploadRoutes(
  app: FastifyInstance,
  context: AppContext,
  uploads: DirectUploads,
): void {
  // The token before the body: a request without one gets 401, whatever it sent.
  const preValidation = context.auth.requireAdmin;
  const endpointOf = (request: FastifyRequest, scope: GrantScope, expires: number) =>
    `${publicBaseUrl(request, context.env)}/files/uploads/${issueGrant(context.signer, scope, expires)}`;

  app.post('/files/uploads', { schema: startDirectUploadSchema, preValidation }, async (request) => {
    const body = parseBody(startBody, request.body);
    const filename = cleanFilename(body.filename);
    if (!filename) throw invalidPayload('filename is not a usable name');
    const started = await uploads.start({
      storage: pickLocation(context.storage, body.storage),
      filename,
      type: cleanMediaType(body.type) ?? 'application/octet-stream',
      title: body.title,
      size: body.size,
      sha256: body.checksum_sha256 === undefined ? undefined : hexSha256(body.checksum_sha256),
      multipart: body.multipart,
      tokenHash: null,
    });
    return { data: presentStarted(started, endpointOf(request, { file: started.file.id }, started.expires)) };
  });

  app.post('/files/uploads/grants', { schema: grantSchema, preValidation }, async (request) => {
    const body = parseBody(grantBody, request.body);
    const storage = pickLocation(context.storage, body.storage);
    if (!uploads.accepts(storage))
      throw invalidPayload(`Location "${storage}" takes no direct uploads: upload with TUS at /files/tus`);
    const ttl = body.expires_in ?? Math.floor(context.env.FILES_DIRECT_UPLOAD_URL_TTL / 1000);
    const expires = Math.floor(Date.now() / 1000) + ttl;
    return {
      data: {
        endpoint: endpointOf(request, { location: storage }, expires),
        storage,
        expires: new Date(expires * 1000).toISOString(),
      },
    };
  });

  app.post<GrantRequest>(
    '/files/uploads/:grant/complete',
    { schema: completeDirectUploadSchema },
    async (request) => {
      const id = await authorizeUpload(context, request.params.grant);
      const body = parseBody(completeBody, request.body);
      const parts = body.parts?.map(({ part_number, etag }) => ({ partNumber: part_number, etag }));
      const { file, checksum } = await uploads.complete(id, parts);
      return { data: presentFile(file), meta: { checksum } };
    },
  );

  app.delete<GrantRequest>(
    '/files/uploads/:grant',
    { schema: abortDirectUploadSchema },
    async (request, reply) => {
      await uploads.abort(await authorizeUpload(context, request.params.grant));
      return reply.code(204).send();
    },
  );

  registerCompanionRoutes(app, context, uploads);
}

function presentStarted(started: StartedDirectUpload, endpoint: string) {
  const common = {
    file: presentFile(started.file),
    endpoint,
    expires: new Date(started.expires * 1000).toISOString(),
  };
  if ('put' in started) return { ...common, upload: { method: 'PUT', ...started.put } };
  return { ...common, multipart: { part_size: started.partSize, max_parts: started.maxParts } };
}

/** A SHA-256 as hex (lower case), from hex or base64 (S3's x-amz-checksum-sha256). */
function hexSha256(value: string): string {
  if (/^[0-9a-f]{64}$/i.test(value)) return value.toLowerCase();
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== value)
    throw invalidPayload('checksum_sha256 must be a SHA-256 in hex (64 digits) or base64');
  return bytes.toString('hex');
}
