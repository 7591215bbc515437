import type { FastifyRequest } from 'fastify';
import type { ApiEnv } from '../config/env.js';

/** The base of the URLs we hand out: PUBLIC_URL, else what the request reached (scheme and Host). */
export function publicBaseUrl(request: FastifyRequest, env: ApiEnv): string {
  return env.PUBLIC_URL ?? `${request.protocol}://${request.host}`;
}
