import type { Driver } from '@stowage/storage';
import type { LocationSettings } from './config/location-settings.js';
import { ApiError } from './http/errors.js';

/** What the API needs of the storage manager (which it implements). */
export interface Locations {
  location(name: string): Driver;
  has(name: string): boolean;
  readonly locationNames: string[];
  readonly defaultLocationName: string;
  /** The driver name the location was configured with (`local`, `s3`). */
  driverNameOf(name: string): string;
  /** The API's own settings of the location (STORAGE_<NAME>_ASSETS__*). */
  settingsOf(name: string): LocationSettings;
}

/** The named location, or the default one; a 400 naming any location that does not exist. */
export function pickLocation(storage: Locations, name: string | null | undefined): string {
  if (name === undefined || name === null || name === '') return storage.defaultLocationName;
  const location = storage.locationNames.find((known) => known === name.trim().toLowerCase());
  if (location === undefined) {
    throw new ApiError(
      400,
      'INVALID_PAYLOAD',
      `Unknown storage location "${name}" (known: ${storage.locationNames.join(', ')})`,
    );
  }
  return location;
}
