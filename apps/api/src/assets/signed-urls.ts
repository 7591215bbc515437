import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { findFile } from '../files/find-file.js';
import { ApiError, invalidQuery, notFound } from '../http/errors.js';
import { publicBaseUrl } from '../http/public-url.js';
import { parseBody } from '../http/validation.js';
import { signAssetSchema, signOptions } from './schemas.js';

const PURPOSE = 'asset';

type SignRequest = { Params: { id: string } };
type SignedQuery = { expires?: string; signature?: string };

/**
 * POST /assets/:id/sign (token): a URL of this API that serves the file without a token
 * until it expires: `/assets/:id?expires=<unix seconds>&signature=<HMAC>`. The signature
 * covers the file and the expiry; `download` and `redirect` only change how the same
 * bytes are delivered, so they stay outside it.
 */
export function registerAssetSigningRoute(app: FastifyInstance, context: AppContext): void {
  const route = { schema: signAssetSchema, preValidation: context.auth.requireAdmin };
  app.post<SignRequest>('/assets/:id/sign', route, async (request) => {
    const options = parseBody(signOptions, request.body);
    const file = await findFile(context.records, request.params.id);
    if (file.upload_status !== 'ready') throw notFound();
    const ttlSeconds = options.expires_in ?? Math.round(context.env.ASSETS_SIGNED_URL_TTL / 1000);
    const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
    const query = new URLSearchParams({
      expires: String(expires),
      signature: context.signer.sign(PURPOSE, file.id, expires),
    });
    if (options.download) query.set('download', '');
    if (options.redirect) query.set('redirect', '');
    return {
      data: {
        url: `${publicBaseUrl(request, context.env)}/assets/${file.id}?${query}`,
        expires: new Date(expires * 1000).toISOString(),
      },
    };
  });
}

/**
 * preHandler of GET|HEAD /assets/:id: a signed URL is its own authorization (valid,
 * unexpired, for this file); without one, the token rules apply. A signature that does
 * not hold is refused even when a token would have been accepted: the URL is wrong.
 */
export function assetAccess(context: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { expires, signature } = request.query as SignedQuery;
    if (expires === undefined && signature === undefined) return context.auth.requireRead(request, reply);
    if (expires === undefined || signature === undefined || !/^\d{1,12}$/.test(expires))
      throw invalidQuery('A signed URL needs both expires (unix seconds) and signature');
    const { id } = request.params as { id: string };
    if (!context.signer.verify(signature, PURPOSE, id.toLowerCase(), Number(expires)))
      throw new ApiError(403, 'FORBIDDEN', 'The signature is not valid for this file');
    if (Number(expires) * 1000 <= Date.now())
      throw new ApiError(
        403,
        'TOKEN_EXPIRED',
        `The signed URL expired at ${new Date(Number(expires) * 1000).toISOString()}`,
      );
  };
}
