import { readdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { listAll, spawnTypeScript } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/index.js';
import { STALE_TEMP_FILE_AGE_MS } from '../src/local-root.js';
import { tempFolder } from './temp-folders.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Starts a process writing `key` with a body that never ends; resolves once 1 MiB is in its temporary file. */
async function startWriter(root: string, key: string) {
  const child = spawnTypeScript(fixture('killed-writer.ts'), [root, key], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const tempFolder = join(root, '.stowage', 'tmp');
  for (let waited = 0; waited < 20_000; waited += 50) {
    const temps = await readdir(tempFolder).catch(() => []);
    const sizes = await Promise.all(temps.map((name) => stat(join(tempFolder, name)).then((s) => s.size)));
    if (sizes.some((size) => size >= 1024 * 1024)) return { child, exited, temps };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('The writer process never got its body into a temporary file');
}

describe('LocalDriver when the writing process is killed', () => {
  it('leaves nothing visible, keeps the fresh temporary file, and sweeps it once stale', async () => {
    const root = await tempFolder();
    const { child, exited, temps } = await startWriter(root, 'victim.bin');
    child.kill('SIGKILL');
    await exited;

    const afterCrash = new LocalDriver({ root });
    expect(await afterCrash.exists('victim.bin')).toBe(false);
    expect(await listAll(afterCrash.list())).toEqual([]);
    // Young temporary files may belong to another process's write in flight.
    expect(await readdir(join(root, '.stowage', 'tmp'))).toEqual(temps);

    const longAgo = new Date(Date.now() - STALE_TEMP_FILE_AGE_MS - 60_000);
    for (const name of temps) await utimes(join(root, '.stowage', 'tmp', name), longAgo, longAgo);
    const nextStart = new LocalDriver({ root });
    expect(await nextStart.exists('victim.bin')).toBe(false);
    expect(await readdir(join(root, '.stowage', 'tmp'))).toEqual([]);
  });
});
