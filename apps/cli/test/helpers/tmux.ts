import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { CLI } from './cli.js';

const exec = promisify(execFile);

/** The rendered screen after the CLI ran in a tmux pane (a real terminal), with its exit code. */
export interface TerminalRun {
  screen: string;
  /** Screens captured while it ran (at least the last). */
  frames: string[];
  code: number;
}

/**
 * Runs the CLI in a detached tmux session of a fixed size, as a person at a terminal
 * would, and reads the screen as tmux renders it (cursor moves and redraws applied).
 */
export async function runInTerminal(
  args: string[],
  env: Record<string, string>,
  dir: string,
  { width = 160, height = 40 } = {},
): Promise<TerminalRun> {
  const socket = `stowage-test-${process.pid}-${Date.now()}`;
  const script = join(dir, `${socket}.sh`);
  const exports = Object.entries({ ...env, LANG: 'C.UTF-8', TERM: 'xterm-256color' })
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n');
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  await writeFile(script, `${exports}\ncd ${shellQuote(dir)}\n${command}\necho "EXIT=$?"\nsleep 600\n`);
  const tmux = (...tmuxArgs: string[]) => exec('tmux', ['-u', '-L', socket, ...tmuxArgs]);
  await tmux('new-session', '-d', '-x', String(width), '-y', String(height), '-s', 'cli', `bash ${script}`);
  const frames: string[] = [];
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { stdout } = await tmux('capture-pane', '-p', '-t', 'cli');
      frames.push(stdout);
      const exit = /EXIT=(\d+)/.exec(stdout);
      if (exit) return { screen: stdout, frames, code: Number(exit[1]) };
      if (Date.now() > deadline) throw new Error(`the cli did not finish in the terminal:\n${stdout}`);
      await sleep(100);
    }
  } finally {
    await tmux('kill-server').catch(() => {});
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
