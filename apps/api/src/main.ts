import { InvalidConfigError, InvalidStorageConfigError } from '@stowage/storage';
import { buildApp } from './app.js';
import { resolveAdminToken } from './config/admin-token.js';
import { withDotEnv } from './config/dotenv.js';
import { parseApiEnv } from './config/env.js';
import { withStorageDefaults } from './config/storage-defaults.js';
import { openDatabase } from './db/database.js';
import { probeLocations } from './server/health.js';
import { loadStorage } from './storage.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const variables = withDotEnv(process.env);
  const env = parseApiEnv(variables);
  const storage = await loadStorage(withStorageDefaults(variables, env.DATA_DIR));
  const admin = await resolveAdminToken(env.ADMIN_TOKEN, env.DATA_DIR);
  const db = await openDatabase(env);
  const app = await buildApp({ env, storage, db, adminToken: admin.token });
  app.addHook('onClose', async () => db.destroy());

  if (admin.generatedAt) {
    // Printed once, outside the (redacting) logs, so the operator can copy it.
    process.stdout.write(`\nADMIN_TOKEN generated and kept in ${admin.generatedAt}:\n${admin.token}\n\n`);
  }
  // A backend that is down at startup must not keep the other locations offline: log it.
  for (const [name, report] of Object.entries(await probeLocations(storage, env.HEALTH_TIMEOUT))) {
    if (report.ok) app.log.info({ location: name, ...report }, 'storage location healthy');
    else app.log.error({ location: name, ...report }, 'storage location failed its health probe');
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  await app.listen({ port: env.PORT, host: env.HOST });
}

main().catch((error: unknown) => {
  // Configuration mistakes are the operator's to fix: one line naming the variable, no stack.
  if (error instanceof InvalidStorageConfigError) {
    process.stderr.write(`Invalid storage configuration: ${error.problems.join('; ')}\n`);
  } else if (error instanceof InvalidConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Startup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
