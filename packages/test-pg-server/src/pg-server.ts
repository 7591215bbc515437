import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** How to reach the project's PostgreSQL test server (a throwaway cluster on loopback). */
export interface PgServerInfo {
  /** Superuser connection to the server's `postgres` database (trust auth, no password). */
  connectionString: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Undefined when the server could not start outside CI: PostgreSQL tests skip. */
    pgServer: PgServerInfo | undefined;
  }
}

const startScript = fileURLToPath(new URL('../../../scripts/pg-server/start.sh', import.meta.url));

/**
 * Starts the PostgreSQL test server through the project's script, or reuses the running
 * one. Where it cannot be started (no root to install PostgreSQL, say) the PostgreSQL tests
 * skip with a visible message, except in CI (CI=true), where this throws.
 */
export async function ensurePgServer(): Promise<PgServerInfo | undefined> {
  try {
    const { stdout } = await promisify(execFile)('bash', [startScript], { timeout: 120_000 });
    const connectionString = stdout.match(/^PG_CONNECTION_STRING=(.+)$/m)?.[1];
    if (!connectionString) throw new Error('start.sh printed no PG_CONNECTION_STRING');
    return { connectionString };
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error('The PostgreSQL test server must run in CI', { cause: error });
    console.warn(
      `\n!!! PostgreSQL tests SKIPPED: the PostgreSQL test server could not start (${String(error)})\n`,
    );
    return undefined;
  }
}
