import type { Driver } from '../driver.js';

/**
 * Drivers whose backend has a capacity worth checking before a large write is accepted
 * (a disk). Object stores, which grow as needed, do not implement it.
 */
export interface FreeSpace {
  /** Bytes a write can still use. */
  freeSpace(): Promise<number>;
}

export function hasFreeSpace<D extends Driver>(driver: D): driver is D & FreeSpace {
  return typeof (driver as Partial<FreeSpace>).freeSpace === 'function';
}
