import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface KeptSecret {
  value: string;
  /** Set only on the start that generated it. */
  generatedAt?: string;
}

/**
 * The secret kept in `<dataDir>/<name>`, generated on the first start (32 random bytes,
 * base64url) and kept with owner-only file mode. Created with `wx`: of two instances
 * starting on one data folder, the second reads what the first wrote.
 */
export async function keptSecret(dataDir: string, name: string): Promise<KeptSecret> {
  const file = join(dataDir, name);
  const read = async () => (await readFile(file, 'utf8')).trim();
  try {
    return { value: await read() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { value: await read() };
    throw error;
  }
  return { value, generatedAt: file };
}
