import { hasPresignedUrls } from '@stowage/storage';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { probeLocations } from './health.js';
import { healthSchema, infoSchema } from './schemas.js';

export function registerServerRoutes(app: FastifyInstance, context: AppContext): void {
  /** Open to monitors; why a probe failed is shown only to the admin. */
  app.get('/server/health', { schema: healthSchema }, async (request, reply) => {
    const locations = await probeLocations(context.storage, context.env.HEALTH_TIMEOUT);
    const ok = Object.values(locations).every((report) => report.ok);
    const showErrors = context.auth.isAdmin(request);
    const checks = Object.fromEntries(
      Object.entries(locations).map(([name, report]) => {
        const { error, ...rest } = report as { error?: string };
        return [name, showErrors && error ? report : rest];
      }),
    );
    return reply.code(ok ? 200 : 503).send({ data: { status: ok ? 'ok' : 'error', locations: checks } });
  });

  app.get('/server/info', { schema: infoSchema, onRequest: context.auth.requireRead }, async () => {
    const resumable = new Set(context.uploads?.locationNames ?? []);
    return {
      data: {
        locations: context.storage.locationNames.map((name) => ({
          name,
          default: name === context.storage.defaultLocationName,
          resumable_uploads: resumable.has(name),
          direct_uploads: hasPresignedUrls(context.storage.location(name)),
          assets_mode: context.storage.settingsOf(name).assetsMode,
        })),
        files: { max_upload_size: context.env.FILES_MAX_UPLOAD_SIZE },
        tus: {
          enabled: context.uploads !== undefined,
          endpoint: '/files/tus',
          chunk_size: context.env.TUS_CHUNK_SIZE,
          locker: context.coordination.tusLockerKind,
        },
        janitor: { lease: context.coordination.leader.kind, leader: context.coordination.leader.leading },
      },
    };
  });
}
