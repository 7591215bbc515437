import { keptSecret } from './kept-secret.js';

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
  const { value, generatedAt } = await keptSecret(dataDir, 'admin-token');
  return generatedAt ? { token: value, generatedAt } : { token: value };
}
