import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// Loads vitest's types so that the ProvidedContext augmentation below has a module to augment.
import type {} from 'vitest';

/** How to reach the project's Redis test server (a throwaway instance on loopback). */
export interface RedisServerInfo {
  /** `redis://127.0.0.1:<port>`, no password. */
  url: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Undefined when the server could not start outside CI: Redis tests skip. */
    redisServer: RedisServerInfo | undefined;
  }
}

const startScript = fileURLToPath(new URL('../../../scripts/redis-server/start.sh', import.meta.url));

/**
 * Starts the Redis test server through the project's script, or reuses the running one.
 * Where it cannot be started (no root to install Redis, say) the Redis tests skip with a
 * visible message, except in CI (CI=true), where this throws.
 */
export async function ensureRedisServer(): Promise<RedisServerInfo | undefined> {
  try {
    const { stdout } = await promisify(execFile)('bash', [startScript], { timeout: 60_000 });
    const url = stdout.match(/^REDIS_URL=(.+)$/m)?.[1];
    if (!url) throw new Error('start.sh printed no REDIS_URL');
    return { url };
  } catch (error) {
    if (process.env.CI === 'true') throw new Error('The Redis test server must run in CI', { cause: error });
    console.warn(`\n!!! Redis tests SKIPPED: the Redis test server could not start (${String(error)})\n`);
    return undefined;
  }
}
