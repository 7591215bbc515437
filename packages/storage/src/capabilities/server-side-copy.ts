import type { Driver } from '../driver.js';

/**
 * Drivers that can copy a file from another location's driver without the bytes
 * passing through this process (two S3 locations on one service, two folders on one
 * disk). Callers fall back to read + write when `canCopyFrom` says no.
 */
export interface ServerSideCopy {
  canCopyFrom(source: Driver): boolean;
  copyFrom(source: Driver, sourceKey: string, destinationKey: string): Promise<void>;
}

export function hasServerSideCopy<D extends Driver>(driver: D): driver is D & ServerSideCopy {
  const candidate = driver as Partial<ServerSideCopy>;
  return typeof candidate.canCopyFrom === 'function' && typeof candidate.copyFrom === 'function';
}
