import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * Counts and times every request by its route pattern (`/files/:id`, never the id: a
 * label per file would grow without bound). Measured until the response is closed, so
 * that hijacked replies (TUS, answered by the tus server itself) count as well.
 */
export function installHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRequest', async (request, reply) => {
    const started = process.hrtime.bigint();
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched' };
    metrics.httpInFlight.inc(labels);
    reply.raw.once('close', () => {
      metrics.httpInFlight.dec(labels);
      // A client gone before an answer was sent: 499, as nginx logs it.
      const status = reply.raw.headersSent ? reply.raw.statusCode : 499;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ ...labels, status: String(status) }, seconds);
    });
  });
}
