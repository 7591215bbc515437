import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { cleanFilename, cleanMediaType } from '../files/names.js';
import { presentFile } from '../files/present-file.js';
import { invalidPayload } from '../http/errors.js';
import { publicBaseUrl } from '../http/public-url.js';
import { hashToken } from '../http/tokens.js';
import { parseBody } from '../http/validation.js';
import { authorizeUpload, locationOfGrant } from './authorize.js';
import type { DirectUploads } from './direct-uploads.js';
import {
  companionAbortSchema,
  companionCompleteBody,
  companionCompleteSchema,
  companionCreateBody,
  companionCreateSchema,
  companionListPartsSchema,
  companionParamsSchema,
  companionSignPartSchema,
} from './schemas.js';

type UploadParams = { Params: { grant: string; uploadId: string } };
type PartParams = { Params: { grant: string; uploadId: string; partNumber: number } };

/** A whole number of bytes from Uppy's metadata (a number, or a string where forms made it one). */
const declaredSize = z.coerce.number().int().min(0).optional();

/**
 * Uppy's S3 multipart protocol, as @uppy/aws-s3 speaks it to Companion
 * (`companionEndpoint`): create, sign part, list parts, complete, abort, under an
 * upload endpoint. Uppy sends no token, so the grant in the path authorizes: one
 * upload's, or a location's (each upload it starts is bound to it). The `key` and
 * `uploadId` Uppy carries are both the file's id; the backend's own upload id never
 * leaves the server.
 */
export function registerCompanionRoutes(
  app: FastifyInstance,
  context: AppContext,
  uploads: DirectUploads,
): void {
  const base = '/files/uploads/:grant/s3';

  app.post<{ Params: { grant: string } }>(
    `${base}/multipart`,
    { schema: companionCreateSchema },
    async (request) => {
      const location = locationOfGrant(context, request.params.grant);
      if (location === undefined) {
        const id = await authorizeUpload(context, request.params.grant);
        return { key: id, uploadId: id };
      }
      const body = parseBody(companionCreateBody, request.body);
      const metadata = body.metadata ?? {};
      const size = declaredSize.safeParse(metadata.size);
      if (!size.success) throw invalidPayload('metadata.size must be the file size in bytes');
      const started = await uploads.start({
        storage: location,
        filename: cleanFilename(body.filename) ?? 'upload',
        type: cleanMediaType(body.type) ?? 'application/octet-stream',
        title: typeof metadata.title === 'string' ? metadata.title : undefined,
        size: size.data,
        multipart: true,
        tokenHash: hashToken(request.params.grant),
      });
      return { key: started.file.id, uploadId: started.file.id };
    },
  );

  app.get<PartParams>(
    `${base}/multipart/:uploadId/:partNumber`,
    { schema: companionSignPartSchema },
    async (request) => {
      const id = await authorizeUpload(context, request.params.grant, request.params.uploadId);
      const { url, expires } = await uploads.presignPart(id, request.params.partNumber);
      return { url, expires: expires - Math.floor(Date.now() / 1000) };
    },
  );

  app.get<UploadParams>(
    `${base}/multipart/:uploadId`,
    { schema: companionListPartsSchema },
    async (request) => {
      const id = await authorizeUpload(context, request.params.grant, request.params.uploadId);
      const parts = await uploads.listParts(id);
      return parts.map(({ partNumber, size, etag }) => ({ PartNumber: partNumber, Size: size, ETag: etag }));
    },
  );

  app.post<UploadParams>(
    `${base}/multipart/:uploadId/complete`,
    { schema: companionCompleteSchema },
    async (request) => {
      const id = await authorizeUpload(context, request.params.grant, request.params.uploadId);
      const { parts } = parseBody(companionCompleteBody, request.body);
      const { file, checksum } = await uploads.complete(
        id,
        parts.map(({ PartNumber, ETag }) => ({ partNumber: PartNumber, etag: ETag })),
      );
      return {
        location: `${publicBaseUrl(request, context.env)}/assets/${file.id}`,
        key: file.id,
        data: presentFile(file),
        meta: { checksum },
      };
    },
  );

  app.delete<UploadParams>(
    `${base}/multipart/:uploadId`,
    { schema: companionAbortSchema },
    async (request) => {
      await uploads.abort(await authorizeUpload(context, request.params.grant, request.params.uploadId));
      return {};
    },
  );

  app.get(`${base}/params`, { schema: companionParamsSchema }, async () => {
    throw invalidPayload(
      'Single-request uploads through Uppy are not offered: set shouldUseMultipart: true (a small file is one part)',
    );
  });
}
