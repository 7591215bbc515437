import { RangeNotSatisfiableError, type ResolvedRange, resolveRange } from '@stowage/storage';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { FileRow } from '../db/schema.js';
import { findSettledFile } from '../files/find-file.js';
import { errorBody, notFound } from '../http/errors.js';
import { counted } from '../metrics/counted-stream.js';
import { isNotModified, rangeStillApplies, type Validators } from './conditional.js';
import { contentDisposition } from './content-disposition.js';
import { parseRangeHeader } from './http-range.js';
import { redirectsTo, redirectToBackend } from './redirect.js';
import { assetSchema } from './schemas.js';
import { assetAccess } from './signed-urls.js';

type AssetRequest = { Params: { id: string }; Querystring: { download?: string; redirect?: string } };

export function validatorsOf(file: FileRow): Validators {
  return {
    etag: `"${file.checksum ?? `${file.id}-${file.filesize}`}"`,
    lastModified: new Date(file.uploaded_on),
  };
}

/** GET|HEAD /assets/:id: the bytes, with ranges, conditional requests and safe headers. */
export function registerAssetRoutes(app: FastifyInstance, context: AppContext): void {
  app.route<AssetRequest>({
    method: ['GET', 'HEAD'],
    url: '/assets/:id',
    exposeHeadRoute: false,
    schema: assetSchema,
    // Authenticated (token or signature) before anything else is read.
    onRequest: assetAccess(context),
    handler: async (request, reply) => {
      const file = await findSettledFile(context, request.params.id, request.log);
      if (file.upload_status !== 'ready' || file.filesize === null) throw notFound();
      const size = file.filesize;
      const validators = validatorsOf(file);
      const download = request.query.download !== undefined;
      const driver = context.storage.location(file.storage);
      const { assetsMode } = context.storage.settingsOf(file.storage);
      const backend = redirectsTo(driver, request.method, assetsMode, request.query.redirect);
      // Conditional requests are still answered here: a 304 costs the client no trip to the backend.
      if (backend && !isNotModified(request.headers, validators))
        return redirectToBackend(reply, backend, file, download, context.env.ASSETS_REDIRECT_TTL);
      setAssetHeaders(reply, context, file, validators, download);
      if (isNotModified(request.headers, validators)) return reply.code(304).send();

      const requested = parseRangeHeader(request.headers.range);
      let range: ResolvedRange | undefined;
      if (requested && rangeStillApplies(request.headers['if-range'] as string | undefined, validators)) {
        try {
          range = resolveRange(file.filename_disk, requested, size);
        } catch (error) {
          if (!(error instanceof RangeNotSatisfiableError)) throw error;
          return reply
            .code(416)
            .header('content-range', `bytes */${size}`)
            .type('application/json')
            .send(errorBody('Range not satisfiable', 'RANGE_NOT_SATISFIABLE'));
        }
        reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
      }
      reply.header('content-length', range ? range.end - range.start + 1 : size);
      if (request.method === 'HEAD' || size === 0) return reply.send();

      // A client that goes away must release the backend stream (socket, file handle) at once.
      const abort = new AbortController();
      reply.raw.on('close', () => abort.abort());
      const body = await driver.read(file.filename_disk, { ...(range && { range }), signal: abort.signal });
      return reply.send(
        counted(body, (bytes) => context.metrics.bytesSent.inc({ location: file.storage }, bytes)),
      );
    },
  });
}

function setAssetHeaders(
  reply: FastifyReply,
  context: AppContext,
  file: FileRow,
  validators: Validators,
  download: boolean,
): void {
  reply.headers({
    'content-type': file.type ?? 'application/octet-stream',
    'content-disposition': contentDisposition(download ? 'attachment' : 'inline', file.filename_download),
    'accept-ranges': 'bytes',
    etag: validators.etag,
    'last-modified': validators.lastModified.toUTCString(),
    'cache-control': context.env.ASSETS_CACHE_CONTROL,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  });
}
