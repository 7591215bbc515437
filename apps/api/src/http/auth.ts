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

/** The hash of the bearer token, as a resumable upload keeps it. */
export function bearerTokenHash(authorization: string | null | undefined): string | null {
  const token = bearerToken(authorization);
  return token === undefined ? null : hashToken(token);
}

export function createAuth(adminToken: string, assetsPublic: boolean): Auth {
  const adminHash = hashToken(adminToken);
  const bearerMatches = (request: FastifyRequest, expectedHash: string) => {
    const token = bearerToken(request.headers.authorization);
    return token !== undefined && tokenMatchesHash(token, expectedHash);
  };
  const isAdmin = (request: FastifyRequest) => bearerMatches(request, adminHash);
  const requireAdmin: Auth['requireAdmin'] = async (request) => {
    if (bearerToken(request.headers.authorization) === undefined) {
      throw new ApiError(401, 'INVALID_CREDENTIALS', 'An Authorization: Bearer token is required');
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
