import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const LISTEN_DEADLINE_MS = 30_000;

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed that was not a JSON log line. */
  plainOutput(): string;
  logs(): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A free loopback port, to restart a process on the port its upload URLs name. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * What every spawned API of a test needs: a fixed free port (a restart keeps the upload
 * URLs), its data folder and token, and info logs (spawnApi waits for the line saying
 * it listens).
 */
export async function processEnv(dataDir: string, token: string): Promise<Record<string, string>> {
  return { PORT: String(await freePort()), DATA_DIR: dataDir, ADMIN_TOKEN: token, LOG_LEVEL: 'info' };
}

/** The STORAGE_LOCAL_* variables of a `local` location under the data folder. */
export function localLocationEnv(dataDir: string): Record<string, string> {
  return { STORAGE_LOCAL_DRIVER: 'local', STORAGE_LOCAL_ROOT: join(dataDir, 'uploads') };
}

/**
 * The built API (`node dist/main.js`) as its own process, answering once it listens.
 * The test task depends on the build (turbo.json), so dist is current there.
 */
export async function spawnApi(env: Record<string, string>, cwd?: string): Promise<ApiProcess> {
  if (!existsSync(MAIN))
    throw new Error(
      `${MAIN} is missing: build the api first (pnpm turbo run build --filter=@stowage/api...)`,
    );
  // As `pnpm start` runs it (see the README: a small young generation frees streamed buffers sooner).
  const child = spawn(process.execPath, ['--max-semi-space-size=4', MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let plain = '';
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let deadline: NodeJS.Timeout | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const onLine = (line: string) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        const match = String(entry.msg).match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
        if (match) resolve(match[1]!);
      } catch {
        plain += `${line}\n`;
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        lines.forEach(onLine);
      });
      stream.on('end', () => buffered && onLine(buffered));
    }
    exited.then((code) => reject(new Error(`the api exited with ${code} before listening:\n${plain}`)));
    // A process that never says it listens must not outlive the test that started it.
    deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`the api did not listen within ${LISTEN_DEADLINE_MS} ms (is LOG_LEVEL info?):\n${plain}`),
      );
    }, LISTEN_DEADLINE_MS);
  }).finally(() => clearTimeout(deadline));
  return {
    child,
    url,
    plainOutput: () => plain,
    logs: () => logs,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the built API expecting it to refuse to start; answers its exit code and output. */
export async function failedStart(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}
