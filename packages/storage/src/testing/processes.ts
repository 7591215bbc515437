import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The loader that lets a plain Node process run the workspace's TypeScript sources. */
const loader = fileURLToPath(new URL('../../../../scripts/ts-sources.mjs', import.meta.url));

/**
 * Node's arguments to run a TypeScript file of the workspace (`--conditions=source`:
 * packages resolve to their sources), for a test's child process that it kills or
 * crashes on purpose.
 */
export const typeScriptExecArgv = [
  '--experimental-transform-types',
  '--no-warnings',
  '--conditions=source',
  '--import',
  loader,
];

/** Runs `file` (TypeScript) with `args` in a child process. */
export function spawnTypeScript(file: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [...typeScriptExecArgv, file, ...args], options);
}
