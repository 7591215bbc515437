import type { Driver } from '../driver.js';

export interface SweepOptions {
  /**
   * Leftovers that nothing touched for this long (ms) belong to a write that died with
   * its process. Writes in flight in this process are never swept, whatever their age.
   */
  idleFor: number;
}

export interface SweepReport {
  /** Leftovers removed: temporary files, aborted multipart uploads, their markers. */
  removed: number;
}

/**
 * Drivers whose writes can leave something behind when the process dies mid-write (a
 * temporary file, an S3 multipart upload) and that can find and remove it later. Only
 * the driver's own leftovers go: never a stored file, never what another application
 * keeps in the same bucket or folder.
 */
export interface LeftoverSweep {
  sweepLeftovers(options: SweepOptions): Promise<SweepReport>;
}

export function hasLeftoverSweep<D extends Driver>(driver: D): driver is D & LeftoverSweep {
  return typeof (driver as Partial<LeftoverSweep>).sweepLeftovers === 'function';
}
