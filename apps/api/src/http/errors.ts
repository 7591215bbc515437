import { isStorageError, type StorageErrorCode } from '@stowage/storage';
import type { FastifyError, FastifyInstance } from 'fastify';

/** An error whose message is safe to show the client, with Directus' extension code. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

export const notFound = (what = 'File') => new ApiError(404, 'NOT_FOUND', `${what} not found`);
export const invalidPayload = (message: string) => new ApiError(400, 'INVALID_PAYLOAD', message);
export const invalidQuery = (message: string) => new ApiError(400, 'INVALID_QUERY', message);
export const contentTooLarge = (limit: number) =>
  new ApiError(413, 'CONTENT_TOO_LARGE', `The file exceeds the maximum upload size of ${limit} bytes`);
/** The backend of a location ran out of space (InsufficientStorageError). */
export const locationFull = (location: string, cause: unknown) =>
  new ApiError(507, 'INSUFFICIENT_STORAGE', `Storage location "${location}" is full`, { cause });

const storageStatuses: Record<StorageErrorCode, [number, string]> = {
  NOT_FOUND: [404, 'NOT_FOUND'],
  INVALID_KEY: [400, 'INVALID_PAYLOAD'],
  RANGE_NOT_SATISFIABLE: [416, 'RANGE_NOT_SATISFIABLE'],
  CONFLICT: [409, 'CONFLICT'],
  // The backend refusing us is our configuration's fault, not the client's.
  FORBIDDEN: [502, 'STORAGE_FORBIDDEN'],
  UNSUPPORTED: [501, 'UNSUPPORTED'],
  INSUFFICIENT_STORAGE: [507, 'INSUFFICIENT_STORAGE'],
  INVALID_CONFIG: [500, 'INTERNAL_SERVER_ERROR'],
  STORAGE_FAILURE: [502, 'STORAGE_FAILURE'],
};

export function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/**
 * Every failure answers Directus' error shape. Client errors keep their message; server
 * errors are logged whole and answered without details (no stack, no provider text).
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const [status, code, message] = describe(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code, message }, 'request refused');
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    return reply.code(status).type('application/json').send(errorBody(message, code));
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(errorBody('Route not found', 'ROUTE_NOT_FOUND')),
  );
}

function describe(error: FastifyError): [number, string, string] {
  if (error instanceof ApiError) return [error.statusCode, error.code, error.message];
  if (isStorageError(error)) {
    const [status, code] = storageStatuses[error.code];
    if (status === 507) return [status, code, 'A storage location is full'];
    return [status, code, status < 500 ? error.message : 'The storage backend failed'];
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return [413, 'CONTENT_TOO_LARGE', error.message];
  if (status >= 400 && status < 500)
    return [
      status,
      error.validation && error.validationContext !== 'body' ? 'INVALID_QUERY' : 'INVALID_PAYLOAD',
      error.message,
    ];
  return [500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred'];
}
