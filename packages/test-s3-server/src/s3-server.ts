import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// Loads vitest's types so that the ProvidedContext augmentation below has a module to augment.
import type {} from 'vitest';

/** How to reach the project's real S3 test server (Ceph RADOS Gateway on loopback). */
export interface S3ServerInfo {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A key id the server's KMS accepts for SSE-KMS. */
  kmsKeyId: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Undefined when the server could not start outside CI: real-S3 tests skip. */
    s3Server: S3ServerInfo | undefined;
  }
}

export const s3ServerScript = (name: string) =>
  fileURLToPath(new URL(`../../../scripts/s3-server/${name}`, import.meta.url));

/** Runs the project's start script (with `env` on top of this process's) and reads what it printed. */
export async function runStartScript(env: Record<string, string> = {}): Promise<S3ServerInfo> {
  const { stdout } = await promisify(execFile)('bash', [s3ServerScript('start.sh')], {
    timeout: 180_000,
    env: { ...process.env, ...env },
  });
  const values = Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => line.match(/^([A-Z0-9_]+)=(.*)$/))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2]]),
  );
  return {
    endpoint: required(values, 'S3_ENDPOINT'),
    region: required(values, 'S3_REGION'),
    accessKeyId: required(values, 'S3_ACCESS_KEY'),
    secretAccessKey: required(values, 'S3_SECRET_KEY'),
    kmsKeyId: required(values, 'S3_KMS_KEY_ID'),
  };
}

/**
 * Starts the S3 test server through the project's script, or reuses the running one.
 * Where it cannot be started (no root to install Ceph, say) the real-S3 tests skip
 * with a visible message, except in CI (CI=true), where this throws.
 */
export async function ensureS3Server(): Promise<S3ServerInfo | undefined> {
  try {
    return await runStartScript();
  } catch (error) {
    if (process.env.CI === 'true') throw new Error('The S3 test server must run in CI', { cause: error });
    console.warn(`\n!!! Real-S3 tests SKIPPED: the S3 test server could not start (${String(error)})\n`);
    return undefined;
  }
}

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (!value) throw new Error(`start.sh printed no ${name}`);
  return value;
}
