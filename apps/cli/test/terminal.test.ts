import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofEvent, runCli } from './helpers/cli.js';
import { bytes, type Deployment, type FileJson, startDeployment } from './helpers/deployment.js';
import { runInTerminal } from './helpers/tmux.js';

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    if (process.env.CI === 'true')
      throw new Error('tmux must be installed in CI (scripts/terminal/install.sh)');
    return false;
  }
})();

const FILES = 30;

describe.skipIf(!hasTmux)('stowage on a terminal and through a pipe', () => {
  let deployment: Deployment;
  const files: FileJson[] = [];

  beforeAll(async () => {
    deployment = await startDeployment((dataDir) => ({
      STORAGE_LOCATIONS: 'local,second',
      STORAGE_SECOND_DRIVER: 'local',
      STORAGE_SECOND_ROOT: join(dataDir, 'second'),
    }));
    for (let i = 0; i < FILES; i++)
      files.push(await deployment.upload('local', `f${i}.bin`, bytes(i === 0 ? 3 << 20 : 50_000, i)));
    await rm(join(deployment.dataDir, 'uploads', files[5]!.filename_disk));
  });
  afterAll(async () => {
    await deployment?.close();
  });

  it('draws a progress bar with files, bytes, rate and ETA, failures above it, and a summary', async () => {
    const run = await runInTerminal(
      ['migrate', '--from', 'local', '--to', 'second'],
      deployment.env,
      deployment.dataDir,
    );
    expect(run.code, run.screen).toBe(1);
    const lines = run.screen.split('\n').map((line) => line.trimEnd());
    const bar = lines.findIndex((line) => line.startsWith('local → second ['));
    expect(bar, run.screen).toBeGreaterThan(0);
    expect(lines[bar]).toMatch(
      /^local → second \[█{24}\] 100% \| 30\/30 files \| [\d.]+ MiB\/[\d.]+ MiB \| [\d.]+ (B|KiB|MiB)\/s, [\d.]+ files\/s \| ETA 0s$/,
    );
    // The failure is printed above the bar, which stays in one place (redrawn, not repeated).
    const failure = lines.findIndex((line) => line.startsWith(`✗ ${files[5]!.id}`));
    expect(failure, run.screen).toBeGreaterThan(0);
    expect(failure).toBeLessThan(bar);
    expect(lines.filter((line) => line.startsWith('local → second ['))).toHaveLength(1);
    expect(lines[0]).toBe(`Migrating ${FILES} files (4.38 MiB) from local to second`);
    expect(lines.slice(bar + 1).join('\n')).toMatch(
      /^29 of 30 files copied to second in \d+s, 1 failed \(still on local\)\.\nThe copies on local stay as a fallback/,
    );
  });

  it('writes JSON lines when asked to, even on a terminal, and when stdout is a pipe', async () => {
    const terminal = await runInTerminal(
      ['--json', 'verify', '--location', 'second'],
      deployment.env,
      deployment.dataDir,
      {
        width: 400,
      },
    );
    const jsonLines = terminal.screen.split('\n').filter((line) => line.startsWith('{'));
    expect(jsonLines.map((line) => JSON.parse(line).event)).toEqual(['start', 'progress', 'summary']);

    const piped = await runCli(['verify', '--location', 'second'], deployment.env, deployment.dataDir);
    expect(piped.code).toBe(0);
    expect(piped.events[0]).toMatchObject({ event: 'start', command: 'verify', files: FILES - 1 });
    expect(ofEvent(piped.events, 'progress').at(-1)).toMatchObject({
      files_done: FILES - 1,
      files_total: FILES - 1,
      eta_seconds: 0,
    });
    expect(ofEvent(piped.events, 'summary')).toEqual([
      expect.objectContaining({ checked: FILES - 1, ok: FILES - 1 }),
    ]);
  });
});
