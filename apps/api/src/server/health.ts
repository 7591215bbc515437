import { type HealthReport, hasHealthProbe } from '@stowage/storage';
import type { Locations } from '../locations.js';

export type LocationHealth = HealthReport | { ok: true; mode: 'none'; latencyMs: 0 };

/** Every location's probe, in parallel; a probe that throws counts as failed. */
export async function probeLocations(storage: Locations): Promise<Record<string, LocationHealth>> {
  const entries = await Promise.all(
    storage.locationNames.map(async (name): Promise<[string, LocationHealth]> => {
      const driver = storage.location(name);
      if (!hasHealthProbe(driver)) return [name, { ok: true, mode: 'none', latencyMs: 0 }];
      try {
        return [name, await driver.probe()];
      } catch (error) {
        return [name, { ok: false, mode: 'read-write', latencyMs: 0, error: String(error) }];
      }
    }),
  );
  return Object.fromEntries(entries);
}
