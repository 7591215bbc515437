import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { hashToken, tokenMatchesHash } from './tokens.js';

export interface Auth {
  /** preHandler for every write, and every read unless assets are public. */
  requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** preHandler for reads: open when ASSETS_PUBLIC, else the admin token. */
  requireRead(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  isAdmin(request: FastifyRequest): boolean;
  /** The hash stored with a resumable upload; the bearer must match it to resume or end it. */
  bearerHash(request: FastifyRequest): string | undefined;
  bearerMatches(request: FastifyRequest, expectedHash: string): boolean;
}

export function bearerToken(authorization: string | null | undefined): string | undefined {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
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
    bearerHash: (request) => {
      const token = bearerToken(request.headers.authorization);
      return token === undefined ? undefined : hashToken(token);
    },
    bearerMatches,
  };
}
