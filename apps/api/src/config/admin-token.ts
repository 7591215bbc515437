import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AdminToken {
  token: string;
  /** Set only on the start that generated it: the one time it is shown. */
  generatedAt?: string;
}

/**
 * ADMIN_TOKEN when set; otherwise the token kept in the data folder, generated (and
 * reported to the caller, to print once) on the first start. Owner-only file mode:
 * the token grants every write.
 */
export async function resolveAdminToken(
  configured: string | undefined,
  dataDir: string,
): Promise<AdminToken> {
  if (configured) return { token: configured };
  const file = join(dataDir, 'admin-token');
  try {
    return { token: (await readFile(file, 'utf8')).trim() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, generatedAt: file };
}
