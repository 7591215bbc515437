import type { Runtime } from '../runtime.js';
import { UsageError } from './exit-codes.js';

/** The location a `--location` names (checked), or every location. */
export function pickLocations(runtime: Runtime, location: string | undefined): string[] {
  if (location === undefined) return runtime.storage.locationNames;
  const name = location.trim().toLowerCase();
  if (!runtime.storage.has(name)) {
    throw new UsageError(
      `Unknown location "${location}" (known: ${runtime.storage.locationNames.join(', ')})`,
    );
  }
  return [name];
}
