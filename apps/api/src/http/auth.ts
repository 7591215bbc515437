import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { hashToken, tokenMatchesHash } from './tokens.js';

export interface Auth {
  /** onRequest hook (before any body is read) for every write, and every read unless assets are public. */
  requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** onRequest hook for reads: open when ASSETS_PUBLIC, else the admin token. */
  requireRead(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  isAdmin(request: FastifyRequest): boolean;
  /** Whether the bearer token is the one whose hash a resumable upload keeps (only it may resume or end it). */
  bearerMatches(request: FastifyRequest, expectedHash: string): boolean;
}

function bearerToken(authorization: string | null | undefined): string | undefined {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/**
 * A request's token: the Authorization header, else `?access_token=` (Directus' way, for
 * what cannot send a header: `<img src>`, download links). A query token lands in
 * browser history, proxy logs and Referer headers; our own logs redact it.
 */
function tokenOf(authorization: string | null | undefined, accessToken: unknown): string | undefined {
  const header = bearerToken(authorization);
  if (header !== undefined) return header;
  return typeof accessToken === 'string' && accessToken !== '' ? accessToken : undefined;
}

function requestToken(request: FastifyRequest): string | undefined {
  return tokenOf(
    request.headers.authorization,
    (request.query as Record<string, unknown> | undefined)?.access_token,
  );
}

/**
 * The hash of the token that created a resumable upload (as the tus server sees the
 * request), which the upload keeps: the token the API let in, from the header or the query.
 */
export function uploadTokenHash(request: Request): string | null {
  const accessToken = new URL(request.url).searchParams.get('access_token');
  const token = tokenOf(request.headers.get('authorization'), accessToken);
  return token === undefined ? null : hashToken(token);
}

export function createAuth(adminToken: string, assetsPublic: boolean): Auth {
  const adminHash = hashToken(adminToken);
  const bearerMatches = (request: FastifyRequest, expectedHash: string) => {
    const token = requestToken(request);
    return token !== undefined && tokenMatchesHash(token, expectedHash);
  };
  const isAdmin = (request: FastifyRequest) => bearerMatches(request, adminHash);
  const requireAdmin: Auth['requireAdmin'] = async (request) => {
    if (requestToken(request) === undefined) {
      throw new ApiError(
        401,
        'INVALID_CREDENTIALS',
        'An Authorization: Bearer token (or ?access_token=) is required',
      );
    }
    if (!isAdmin(request)) throw new ApiError(401, 'INVALID_CREDENTIALS', 'Invalid token');
  };
  return {
    requireAdmin,
    requireRead: async (request, reply) => {
      if (!assetsPublic) await requireAdmin(request, reply);
    },
    isAdmin,
    bearerMatches,
  };
}
