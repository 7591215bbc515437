import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './process.js';

const run = promisify(execFile);
const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
const bin = versions.length > 0 ? join('/usr/lib/postgresql', versions.sort().at(-1)!, 'bin') : undefined;

/** Debian's PostgreSQL can be run here: installed, and we may switch to its user. */
export const postgresAvailable = bin !== undefined && process.getuid?.() === 0;

/** A throwaway PostgreSQL cluster on a loopback port, run as the postgres user in a temp dir. */
export async function startPostgres(): Promise<{ connectionString: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-pg-'));
  const { uid, gid } = await run('id', ['-u', 'postgres']).then(async ({ stdout }) => ({
    uid: Number(stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  }));
  await chown(dir, uid, gid);
  const asPostgres = (command: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', join(bin!, command), ...args], { cwd: dir });
  const data = join(dir, 'data');
  const port = await freePort();
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  await asPostgres('pg_ctl', [
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  return {
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
