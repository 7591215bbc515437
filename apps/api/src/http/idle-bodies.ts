import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { hasBody } from './refused-bodies.js';

/**
 * Aborts a request whose body stops arriving for `idleMs`: a client that went silent
 * mid-upload (gone, or its network stalled) would otherwise hold its temporary file,
 * multipart upload and tus lock for as long as the connection lives. Aborting fails the
 * write, which cleans up as any failed write does; a resumable upload keeps the bytes
 * it acknowledged. Only the client's silence counts: while this process is not reading
 * (its buffer full, the backend slow) the client cannot send, and the backend's own
 * deadline applies. The watch ends with the body: computing the answer may take long.
 */
export function abortIdleBodies(app: FastifyInstance, idleMs: number): void {
  if (idleMs <= 0) return;
  const watch = new IdleBodies(idleMs);
  app.addHook('onRequest', async (request, reply) => {
    if (!hasBody(request.raw) || request.raw.complete) return;
    watch.add(request.raw);
    reply.raw.once('finish', () => watch.remove(request.raw));
  });
}

class IdleBodies {
  private readonly watched = new Map<IncomingMessage, { bytes: number; since: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs: number) {}

  add(request: IncomingMessage): void {
    this.watched.set(request, { bytes: request.socket.bytesRead, since: Date.now() });
    request.once('end', () => this.remove(request)).once('close', () => this.remove(request));
    this.timer ??= setInterval(() => this.check(), Math.min(1000, Math.max(50, this.idleMs / 4))).unref();
  }

  remove(request: IncomingMessage): void {
    this.watched.delete(request);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = Date.now();
    for (const [request, progress] of this.watched) {
      const bytes = request.socket.bytesRead;
      const waitingForUs = request.readableLength >= request.readableHighWaterMark;
      if (bytes !== progress.bytes || waitingForUs) {
        progress.bytes = bytes;
        progress.since = now;
      } else if (now - progress.since >= this.idleMs) {
        this.remove(request);
        request.destroy(
          Object.assign(new Error(`No request body received for ${this.idleMs} ms`), {
            code: 'ERR_BODY_IDLE',
          }),
        );
      }
    }
  }
}
