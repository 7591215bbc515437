import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import { hashToken } from '../http/tokens.js';
import { metricsSchema } from '../server/schemas.js';
import { installHttpMetrics } from './http-metrics.js';
import { instrumentS3Locations } from './s3-metrics.js';

/**
 * Metrics for the app: request hooks (before any route is registered), S3 clients,
 * the uploads gauge, and GET /server/metrics (Prometheus text format) for the admin
 * token or METRICS_TOKEN (a scraper's token that can do nothing else).
 */
export function installMetrics(app: FastifyInstance, context: AppContext): void {
  const { metrics, storage, records } = context;
  installHttpMetrics(app, metrics);
  instrumentS3Locations(storage, metrics);
  metrics.gaugeOnScrape(
    'stowage_uploads_in_progress',
    'Resumable uploads not finished yet, by location (from the database: every instance reports all)',
    'location',
    async () =>
      Object.fromEntries(
        await Promise.all(
          storage.locationNames.map(async (name) => [name, (await records.locationTotals(name)).uploading]),
        ),
      ),
  );

  const metricsTokenHash = context.env.METRICS_TOKEN ? hashToken(context.env.METRICS_TOKEN) : undefined;
  app.get('/server/metrics', { schema: metricsSchema }, async (request, reply) => {
    const allowed =
      context.auth.isAdmin(request) ||
      (metricsTokenHash !== undefined && context.auth.bearerMatches(request, metricsTokenHash));
    if (!allowed) {
      throw new ApiError(
        401,
        'INVALID_CREDENTIALS',
        request.headers.authorization
          ? 'Invalid token'
          : 'An Authorization: Bearer token (ADMIN_TOKEN or METRICS_TOKEN) is required',
      );
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
