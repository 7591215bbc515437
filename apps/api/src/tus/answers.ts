import { InsufficientStorageError } from '@stowage/storage';
import type { FastifyBaseLogger } from 'fastify';

/** An error @tus/server answers as it is: status and plain-text body. */
export function tusAnswer(status_code: number, message: string) {
  return Object.assign(new Error(message), { status_code, body: `${message}\n` });
}

/**
 * What @tus/server answers for an error without a status of its own: a full backend is
 * 507 naming the location; anything else a 500 without details (logged whole).
 */
export function answerFor(
  location: string,
  error: unknown,
  log: FastifyBaseLogger,
): { status_code: number; body: string } | undefined {
  if ((error as { status_code?: unknown } | null)?.status_code !== undefined) return undefined;
  // @tus/server's pipeline answers the first error any stream saw: a local disk's raw ENOSPC.
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof InsufficientStorageError || code === 'ENOSPC' || code === 'EDQUOT') {
    log.warn({ err: error, location }, 'storage location full');
    return { status_code: 507, body: `Storage location "${location}" is full\n` };
  }
  log.error({ err: error, location }, 'upload request failed');
  return { status_code: 500, body: 'An unexpected error occurred\n' };
}
