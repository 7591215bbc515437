import { type HealthReport, hasHealthProbe } from '@stowage/storage';
import type { Locations } from '../locations.js';

/** `timedOut` (shown to every caller, unlike `error`) when the probe did not answer within the bound. */
export type LocationHealth = (HealthReport & { timedOut?: true }) | { ok: true; mode: 'none'; latencyMs: 0 };

/**
 * Every location's probe, in parallel, each within `timeoutMs`: a backend that stops
 * answering fails its own probe in time (its requests aborted) and never holds the
 * others' answer. A probe that throws counts as failed.
 */
export async function probeLocations(
  storage: Locations,
  timeoutMs: number,
): Promise<Record<string, LocationHealth>> {
  const entries = await Promise.all(
    storage.locationNames.map(async (name): Promise<[string, LocationHealth]> => {
      const driver = storage.location(name);
      if (!hasHealthProbe(driver)) return [name, { ok: true, mode: 'none', latencyMs: 0 }];
      const deadline = AbortSignal.timeout(timeoutMs);
      const timedOut = new Promise<LocationHealth>((resolve) =>
        deadline.addEventListener('abort', () =>
          resolve({
            ok: false,
            mode: 'read-write',
            latencyMs: timeoutMs,
            timedOut: true,
            error: `timed out after ${timeoutMs} ms`,
          }),
        ),
      );
      try {
        return [name, await Promise.race([driver.probe({ signal: deadline }), timedOut])];
      } catch (error) {
        return [name, { ok: false, mode: 'read-write', latencyMs: 0, error: String(error) }];
      }
    }),
  );
  return Object.fromEntries(entries);
}
