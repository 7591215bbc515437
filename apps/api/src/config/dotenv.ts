import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * The environment with the variables of a `.env` file (by default in the working
 * directory) underneath: what the process was started with always wins, as with
 * docker compose and most .env tooling. A missing file is no error; an unreadable one is.
 */
export function withDotEnv(
  env: Record<string, string | undefined>,
  file = '.env',
): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw error;
  }
  return { ...parseEnv(text), ...definedOnly(env) };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
