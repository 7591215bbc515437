import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HealthReport } from '@stowage/storage';

/** Writes, reads back and deletes a small file in `folder` (the root's reserved folder). */
export async function probeFolder(folder: () => Promise<string>): Promise<HealthReport> {
  const started = performance.now();
  const report = (error?: unknown): HealthReport => ({
    ok: error === undefined,
    mode: 'read-write',
    latencyMs: performance.now() - started,
    ...(error === undefined ? {} : { error: (error as Error)?.message ?? String(error) }),
  });
  try {
    const path = join(await folder(), `probe-${randomUUID()}`);
    const payload = randomBytes(32);
    try {
      await writeFile(path, payload);
      if (!(await readFile(path)).equals(payload))
        throw new Error('The probe file read back different bytes');
    } finally {
      await rm(path, { force: true });
    }
    return report();
  } catch (error) {
    return report(error);
  }
}
