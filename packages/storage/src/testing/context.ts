import type { Driver } from '../driver.js';

export interface ConformanceOptions {
  /**
   * Whether `stat` returns the contentType given on write. Drivers that keep no
   * metadata beside the bytes (local disk) say false; the suite then checks that
   * stat reports no type rather than a wrong one.
   */
  storesContentType?: boolean;
  /**
   * Whether the backend checks what a presigned URL signs (its expiry, a signed
   * Content-Length). An emulator that accepts any signature says false; the cases that
   * need the check then skip.
   */
  checksSignatures?: boolean;
}

/** What every case gets: the driver under test and fresh key prefixes. */
export interface ConformanceContext {
  /** The driver from setup; only available inside tests and hooks. */
  readonly driver: Driver;
  /** A prefix (ending with "/") that no other case or run uses. */
  prefix(): string;
  readonly options: Required<ConformanceOptions>;
}

/** Tests that handle large files or many keys get this instead of the project's default. */
export const SLOW_TEST_TIMEOUT = 180_000;
