import { randomBytes } from 'node:crypto';
import type { ClientRequest } from 'node:http';
import { getRawRequest } from '@mswjs/interceptors';
import type { S3Error } from './s3-error.js';
import { el, xmlDocument } from './xml.js';

/** An S3 error document (HEAD answers carry no body, as S3's do). */
export function errorResponse(error: S3Error, resource: string, method: string): Response {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': requestId, ...error.headers };
  const body =
    method === 'HEAD'
      ? null
      : xmlDocument(
          el(
            'Error',
            el('Code', error.code),
            el('Message', error.message),
            el('Resource', resource),
            el('RequestId', requestId),
          ),
          { namespaced: false },
        );
  return new Response(body, { status: error.status, headers });
}

/**
 * The same response, whose body declares its full length but stops after `afterBytes` bytes and
 * then fails, which closes the connection under the client (msw destroys the socket).
 */
export async function truncatedResponse(response: Response, afterBytes: number): Promise<Response> {
  const full = Buffer.from(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  headers.set('content-length', String(full.length));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(full.subarray(0, Math.min(afterBytes, full.length)));
    },
    pull(controller) {
      controller.error(new Error('Connection closed by fault injection'));
    },
  });
  return new Response(body, { status: response.status, headers });
}

/** Drops the connection the way a crashed server or a proxy does: the client sees ECONNRESET. */
export function resetConnection(request: Request): Response {
  const socket = (getRawRequest(request) as ClientRequest | undefined)?.socket;
  socket?.destroy(
    Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' }),
  );
  return Response.error();
}
