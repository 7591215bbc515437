import { randomBytes } from 'node:crypto';

/** Orders keys by their UTF-8 bytes, as S3 lists them (not by UTF-16 code units, as `<` does). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function sortKeys(keys: Iterable<string>): string[] {
  return [...keys].sort(compareKeys);
}

export async function listAll(keys: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all;
}

/** A prefix no earlier run used, so suites and runs can share one bucket. */
export function uniquePrefix(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}/`;
}

/** Runs `task` on every item, at most `limit` at a time. */
export async function forEachConcurrently<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await task(next.value);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}
