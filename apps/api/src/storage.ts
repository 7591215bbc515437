import { type Driver, StorageManager } from '@stowage/storage';
import {
  checkLocationSettings,
  DEFAULT_LOCATION_SETTINGS,
  type LocationSettings,
  readLocationSettings,
} from './config/location-settings.js';
import type { Locations } from './locations.js';

/**
 * The storage locations of this deployment. Drivers are registered lazily: only the
 * packages of drivers that a location uses are ever imported. The TUS-capable variants
 * extend the plain drivers, so every location can take resumable uploads. The API's own
 * settings of each location (`STORAGE_<NAME>_ASSETS__*`) are read here and never reach
 * the drivers.
 */
export async function loadStorage(env: Record<string, string | undefined>): Promise<Locations> {
  const { settings, driverEnv } = readLocationSettings(env);
  const manager = new StorageManager();
  manager.registerDriver('local', () => import('@stowage/storage-driver-local-tus'));
  manager.registerDriver('s3', () => import('@stowage/storage-driver-s3-tus'));
  await manager.loadFromEnv(driverEnv);
  checkLocationSettings(settings, (name) => manager.location(name));
  return new ConfiguredLocations(manager, settings);
}

class ConfiguredLocations implements Locations {
  constructor(
    private readonly manager: StorageManager,
    private readonly settings: ReadonlyMap<string, LocationSettings>,
  ) {}

  location(name: string): Driver {
    return this.manager.location(name);
  }

  has(name: string): boolean {
    return this.manager.has(name);
  }

  get locationNames(): string[] {
    return this.manager.locationNames;
  }

  get defaultLocationName(): string {
    return this.manager.defaultLocationName;
  }

  driverNameOf(name: string): string {
    return this.manager.driverNameOf(name);
  }

  settingsOf(name: string): LocationSettings {
    return this.settings.get(name) ?? DEFAULT_LOCATION_SETTINGS;
  }
}
