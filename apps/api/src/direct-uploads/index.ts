import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { DirectUploadRecords } from '../db/direct-upload-records.js';
import { cleanAbandonedDirectUploads } from './cleanup.js';
import { DirectUploads } from './direct-uploads.js';
import { registerDirectUploadRoutes } from './routes.js';

/**
 * Presigned uploads straight to storage: their routes, and the cleanup of abandoned ones
 * (every TUS_CLEANUP_INTERVAL, on the instance holding the janitor lease).
 */
export function installDirectUploads(
  app: FastifyInstance,
  context: AppContext,
  rows: DirectUploadRecords,
): DirectUploads {
  const uploads = new DirectUploads(context.env, context.storage, context.records, rows, app.log);
  registerDirectUploadRoutes(app, context, uploads);
  if (context.env.CLEANUP_ENABLED) {
    context.coordination.leader.every(context.env.TUS_CLEANUP_INTERVAL, 'direct upload cleanup', async () => {
      await cleanAbandonedDirectUploads(uploads, rows, app.log);
    });
  }
  return uploads;
}
