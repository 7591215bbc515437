import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  /** Every JSON line printed so far. */
  events: Record<string, unknown>[];
  /** Resolves once a printed event satisfies the predicate. */
  waitFor(predicate: (events: Record<string, unknown>[]) => boolean): Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/**
 * The built CLI (`node dist/main.js`) as an operator runs it, stdout a pipe (so JSON
 * lines), in `cwd` with only `env` (and PATH). The test task depends on the build.
 */
export function startCli(args: string[], env: Record<string, string>, cwd?: string): CliRun {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build the cli first (pnpm turbo run build --filter=@stowage/cli...)`);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  const waiters: { predicate: (events: Record<string, unknown>[]) => boolean; resolve: () => void }[] = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) events.push(JSON.parse(line) as Record<string, unknown>);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(events)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    events,
    done,
    waitFor: (predicate) =>
      predicate(events)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ predicate, resolve });
            done.then(({ code, stderr }) => reject(new Error(`the cli exited (${code}) first:\n${stderr}`)));
          }),
  };
}

/** Runs the CLI to its end: exit code, JSON events, stderr. */
export async function runCli(args: string[], env: Record<string, string>, cwd?: string) {
  const run = startCli(args, env, cwd);
  const { code, stderr, stdout } = await run.done;
  return { code, stderr, stdout, events: run.events };
}

export const ofEvent = (events: Record<string, unknown>[], event: string) =>
  events.filter((e) => e.event === event);
