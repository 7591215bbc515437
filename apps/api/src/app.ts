import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { registerAssetRoutes } from './assets/routes.js';
import type { ApiEnv } from './config/env.js';
import type { AppContext } from './context.js';
import { FileRecords } from './db/file-records.js';
import type { Database } from './db/schema.js';
import { registerFileRoutes } from './files/routes.js';
import { registerUploadRoute } from './files/upload-route.js';
import { createAuth } from './http/auth.js';
import { closeConnectionsAsTheyIdle } from './http/closing-connections.js';
import { installErrorHandling } from './http/errors.js';
import { clientErrorHandler, frameworkErrors } from './http/framework-errors.js';
import { abortIdleBodies } from './http/idle-bodies.js';
import { drainRefusedBodies } from './http/refused-bodies.js';
import { createJanitor } from './janitor/steps.js';
import type { Locations } from './locations.js';
import { registerServerRoutes } from './server/routes.js';
import { TUS_REQUEST_HEADERS, TUS_RESPONSE_HEADERS } from './tus/protocol.js';
import { registerTusRoutes } from './tus/routes.js';
import { UploadServers } from './tus/upload-servers.js';

export interface AppOptions {
  env: ApiEnv;
  storage: Locations;
  db: Kysely<Database>;
  adminToken: string;
}

export async function buildApp({ env, storage, db, adminToken }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: env.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
    // Ids and filter values only: no endpoint takes a large JSON body.
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    frameworkErrors,
    clientErrorHandler,
  });
  installErrorHandling(app);
  drainRefusedBodies(app);
  closeConnectionsAsTheyIdle(app);
  abortIdleBodies(app, env.UPLOAD_IDLE_TIMEOUT);
  await app.register(cors, {
    origin: env.CORS_ORIGIN === '*' ? '*' : env.CORS_ORIGIN.split(','),
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [...TUS_REQUEST_HEADERS, 'Range', 'If-None-Match', 'If-Modified-Since', 'If-Range'],
    exposedHeaders: [
      ...TUS_RESPONSE_HEADERS,
      'Content-Range',
      'Content-Disposition',
      'ETag',
      'Content-Length',
    ],
    maxAge: 86_400,
  });
  await app.register(multipart, { limits: { fileSize: env.FILES_MAX_UPLOAD_SIZE + 1 } });

  const records = new FileRecords(db);
  const uploads = env.TUS_ENABLED ? new UploadServers({ env, storage, records, log: app.log }) : undefined;
  const janitor = createJanitor({ env, storage, records, uploads }, { log: app.log });
  const context: AppContext = {
    env,
    storage,
    records,
    uploads,
    janitor,
    auth: createAuth(adminToken, env.ASSETS_PUBLIC),
  };
  registerServerRoutes(app, context);
  registerUploadRoute(app, context);
  registerFileRoutes(app, context);
  registerAssetRoutes(app, context);
  if (uploads) registerTusRoutes(app, context, uploads);
  if (env.CLEANUP_ENABLED) app.addHook('onReady', async () => janitor.start());
  app.addHook('onClose', async () => janitor.stop());
  return app;
}
