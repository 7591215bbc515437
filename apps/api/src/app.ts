import cors, { type FastifyCorsOptions } from '@fastify/cors';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { registerAssetRoutes } from './assets/routes.js';
import { registerAssetSigningRoute } from './assets/signed-urls.js';
import type { ApiEnv } from './config/env.js';
import { keptSecret } from './config/kept-secret.js';
import type { AppContext } from './context.js';
import { openCoordination } from './coordination/coordination.js';
import { FileRecords } from './db/file-records.js';
import type { Database } from './db/schema.js';
import { UploadPartials } from './db/upload-partials.js';
import { installDirectUploads } from './direct-uploads/index.js';
import { registerFileRoutes } from './files/routes.js';
import { registerUploadRoute } from './files/upload-route.js';
import { createAuth } from './http/auth.js';
import { installErrorHandling } from './http/errors.js';
import { serializeRequest } from './http/log-redaction.js';
import { UrlSigner } from './http/url-signer.js';
import { compileValidator } from './http/validation.js';
import { describeValidationErrors } from './http/validation-errors.js';
import type { Locations } from './locations.js';
import { installMetrics } from './metrics/install.js';
import { Metrics } from './metrics/metrics.js';
import { registerOpenApi } from './openapi/document.js';
import { registerServerRoutes } from './server/routes.js';
import { isTusPath, TUS_REQUEST_HEADERS, TUS_RESPONSE_HEADERS } from './tus/protocol.js';
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
      // URLs carry ?access_token=, signatures and upload grants: logged redacted.
      serializers: { req: serializeRequest },
    },
    // Ids and filter values only: no endpoint takes a large JSON body.
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    schemaErrorFormatter: describeValidationErrors,
  });
  app.setValidatorCompiler(compileValidator);
  installErrorHandling(app);
  await registerOpenApi(app);
  const corsOptions = {
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
  };
  // The tus server answers OPTIONS on its paths itself (discovery needs no Origin, and it
  // sets the CORS headers of a preflight): the plugin leaves those to it.
  await app.register(
    cors,
    () =>
      (
        request: { method: string; url: string },
        callback: (error: null, options: FastifyCorsOptions) => void,
      ) =>
        callback(
          null,
          request.method === 'OPTIONS' && isTusPath(request.url) ? { origin: false } : corsOptions,
        ),
  );
  await app.register(multipart, { limits: { fileSize: env.FILES_MAX_UPLOAD_SIZE + 1 } });

  const coordination = await openCoordination(env, storage, app.log);
  app.addHook('onClose', () => coordination.close());
  const records = new FileRecords(db);
  const metrics = new Metrics();
  const uploads = env.TUS_ENABLED
    ? new UploadServers({
        env,
        storage,
        records,
        partials: new UploadPartials(db),
        log: app.log,
        metrics,
        locker: coordination.tusLocker,
      })
    : undefined;
  const context: AppContext = {
    env,
    storage,
    records,
    uploads,
    coordination,
    auth: createAuth(adminToken, env.ASSETS_PUBLIC),
    signer: new UrlSigner(
      env.ASSETS_SIGNING_KEY ?? (await keptSecret(env.DATA_DIR, 'assets-signing-key')).value,
    ),
    metrics,
  };
  installMetrics(app, context);
  registerServerRoutes(app, context);
  registerUploadRoute(app, context);
  registerFileRoutes(app, context);
  registerAssetRoutes(app, context);
  registerAssetSigningRoute(app, context);
  installDirectUploads(app, context, db);
  if (uploads) {
    registerTusRoutes(app, context, uploads);
    coordination.leader.every(env.TUS_CLEANUP_INTERVAL, 'tus cleanup', () => uploads.cleanUp());
  }
  return app;
}
