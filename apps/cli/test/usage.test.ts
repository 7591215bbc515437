import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

/** Mistakes on the command line or in the configuration: one line naming it, exit code 2, nothing done. */
describe('stowage refuses bad input', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-cli-usage-'));
    env = { DATA_DIR: join(dir, 'data') };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [['migrate', '--from', 'local', '--to', 'nowhere'], /Unknown location "nowhere" \(known: local\)/],
    [['migrate', '--from', 'local', '--to', 'local'], /--from and --to name the same location/],
    [['migrate', '--from', 'local'], /required option '--to <location>' not specified/],
    [
      ['migrate', '--from', 'local', '--to', 'x', '--concurrency', '0'],
      /--concurrency.*expected a whole number from 1 to 64, got "0"/,
    ],
    [['verify', '--sample', '150'], /--sample.*above 0 and up to 100, got "150"/],
    [['verify', '--location', 'nowhere'], /Unknown location "nowhere"/],
    [
      ['orphans', '--older-than', 'soon'],
      /--older-than.*expected a duration like 90s, 30m, 24h or 7d, got "soon"/,
    ],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j', async (args, message) => {
    const run = await runCli(args, env, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('names the faulty variable of the configuration, from the environment or the .env file', async () => {
    const fromEnv = await runCli(
      ['locations'],
      { ...env, STORAGE_LOCATIONS: 's3', STORAGE_S3_DRIVER: 's3' },
      dir,
    );
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toBe(
      'stowage: invalid storage configuration: STORAGE_S3_BUCKET is required by driver "s3"\n',
    );

    await writeFile(join(dir, 'custom.env'), 'DB_CLIENT=mysql\n');
    const fromFile = await runCli(['--env-file', 'custom.env', 'locations'], env, dir);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/^stowage: Invalid configuration: DB_CLIENT: /);

    // The process's own environment wins over the file, as for the API.
    const overridden = await runCli(
      ['--env-file', 'custom.env', 'locations'],
      { ...env, DB_CLIENT: 'sqlite' },
      dir,
    );
    expect(overridden.code, overridden.stderr).toBe(0);
  });
});
