import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { typeScriptExecArgv } from '@stowage/storage/testing';

export interface ServerProcessConfig {
  store: 'stowage' | 'tus-s3-store';
  s3: {
    endpoint: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    bucket: string;
    root?: string;
  };
  tus: Record<string, unknown> & { chunkSize: number };
}

export interface ServerProcess {
  endpoint: string;
  child: ChildProcess;
  /** S3 requests the store's client sent so far. */
  requests(): Promise<number>;
  /** Peak resident memory of the process so far (Linux). */
  peakRssBytes(): number;
  /** Resident memory of the process now (Linux). */
  rssBytes(): number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const script = fileURLToPath(new URL('./tus-server-process.ts', import.meta.url));

/**
 * Runs the tus server in a child Node process. From the TypeScript sources for tests
 * (no build needed): Node's type stripping with transforms (parameter properties), the
 * workspace's `source` export condition, and a resolve hook for `.js` imports of `.ts`
 * files. From the build for the benchmark, so that its memory is what ships: the
 * transform alone adds some 45 MiB of resident memory.
 */
export async function startServerProcess(
  config: ServerProcessConfig,
  from: 'sources' | 'build' = 'sources',
): Promise<ServerProcess> {
  const child = fork(script, {
    execArgv: from === 'build' ? ['--no-warnings'] : typeScriptExecArgv,
    env: { ...process.env, TUS_PROCESS_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the tus server process exited with ${code}`);
    }),
  ])) as [{ port: number }];
  return {
    endpoint: `http://127.0.0.1:${ready.port}/files`,
    child,
    requests: async () => {
      child.send('requests');
      const [answer] = (await once(child, 'message')) as [{ requests: number }];
      return answer.requests;
    },
    peakRssBytes: () => memoryOf(child, 'VmHWM'),
    rssBytes: () => memoryOf(child, 'VmRSS'),
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

function memoryOf(child: ChildProcess, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
}
