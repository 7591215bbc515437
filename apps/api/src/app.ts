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
import { DirectUploadRecords } from './db/direct-upload-records.js';
import { FileRecords } from './db/file-records.js';
import type { Database } from './db/schema.js';
import { UploadPartials } from './db/upload-partials.js';
import { installDirectUploads } from './direct-uploads/index.js';
import { registerFileRoutes } from './files/routes.js';
import { registerUploadRoute } from './files/upload-route.js';
import { createAuth } from './http/auth.js';
import { closeConnectionsAsTheyIdle } from './http/closing-connections.js';
import { installErrorHandling } from './http/errors.js';
import { clientErrorHandler, frameworkErrors } from './http/framework-errors.js';
import { abortIdleBodies } from './http/idle-bodies.js';
import { serializeRequest } from './http/log-redaction.js';
import { drainRefusedBodies } from './http/refused-bodies.js';
import { UrlSigner } from './http/url-signer.js';
import { compileValidator } from './http/validation.js';
import { describeValidationErrors } from './http/validation-errors.js';
import { createJanitor } from './janitor/steps.js';
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
    frameworkErrors,
    clientErrorHandler,
  });
  app.setValidatorCompiler(compileValidator);
  installErrorHandling(app);
  drainRefusedBodies(app);
  closeConnectionsAsTheyIdle(app);
  abortIdleBodies(app, env.UPLOAD_IDLE_TIMEOUT);
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
  const directUploadRows = new DirectUploadRecords(db);
  const partials = new UploadPartials(db);
  const uploads = env.TUS_ENABLED
    ? new UploadServers({
        env,
        storage,
        records,
        partials,
        log: app.log,
        metrics,
        locker: coordination.tusLocker,
        ownedElsewhere: async (id) => (await directUploadRows.get(id)) !== undefined,
      })
    : undefined;
  const janitor = createJanitor(
    { env, storage, records, partials, uploads },
    {
      log: app.log,
      // One instance at a time cleans a location: the one holding the janitor lease.
      exclusive: (location, pass) => coordination.leader.run(`janitor ${location}`, pass),
      onRun: (location, result) => metrics.janitorRun(location, result),
    },
  );
  const context: AppContext = {
    env,
    storage,
    records,
    uploads,
    coordination,
    janitor,
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
  installDirectUploads(app, context, directUploadRows);
  if (uploads) registerTusRoutes(app, context, uploads);
  if (env.CLEANUP_ENABLED) app.addHook('onReady', async () => janitor.start());
  app.addHook('onClose', async () => janitor.stop());
  return app;
}
