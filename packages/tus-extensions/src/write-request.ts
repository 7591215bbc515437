import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExpectedChecksum } from './checksum.js';

/**
 * What a request tells a store beyond @tus/server's `write(stream, id, offset)` and
 * `create(upload)`: the body's declared checksum and length, whether the upload is a
 * partial one.
 * Carried in the request's async context, because @tus/server hands a store no headers;
 * our handlers set it around the request they serve, the store reads it inside.
 */
export interface WriteRequest {
  checksum?: ExpectedChecksum;
  /** `partial`: the upload is a part of a later concatenation (Upload-Concat: partial). */
  concat?: 'partial';
  /** Bytes the body declares (Content-Length), when it does. */
  length?: number;
}

const requests = new AsyncLocalStorage<WriteRequest>();

export function withWriteRequest<T>(request: WriteRequest, work: () => T): T {
  return requests.run(request, work);
}

/** The request being served, as its handler described it; empty outside our handlers. */
export function currentWriteRequest(): WriteRequest {
  return requests.getStore() ?? {};
}
