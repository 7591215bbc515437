import { afterAll, beforeAll, describe } from 'vitest';
import type { Driver } from '../driver.js';
import { describeAtomicWrites } from './cases/atomic-writes.js';
import { describeBasicOperations } from './cases/basic-operations.js';
import { describeEmptyFiles } from './cases/empty-files.js';
import { describeKeyCharacters } from './cases/key-characters.js';
import { describeLargeFile } from './cases/large-file.js';
import { describeLeftoverSweep } from './cases/leftover-sweep.js';
import { describeListing } from './cases/listing.js';
import { describeMissingKeys } from './cases/missing-keys.js';
import { describePresignedUrls } from './cases/presigned-urls.js';
import { describeRanges } from './cases/ranges.js';
import { describeRefusedKeys } from './cases/refused-keys.js';
import { describeStat } from './cases/stat.js';
import type { ConformanceContext, ConformanceOptions } from './context.js';
import { SLOW_TEST_TIMEOUT } from './context.js';
import { forEachConcurrently, listAll, uniquePrefix } from './listing.js';

export interface DriverUnderTest {
  driver: Driver;
  /**
   * Removes the storage the setup made for the suite (a temporary folder, a bucket of
   * its own). Without it the storage is shared, and the suite deletes every file it
   * wrote instead (thousands of requests on S3).
   */
  cleanup?: () => Promise<void>;
}

/**
 * Registers the storage contract's conformance tests for one driver. Every case writes
 * under its own prefix of a prefix unique to the run, so several suites (and runs) can
 * share one bucket.
 */
export function describeDriverConformance(
  label: string,
  setup: () => Promise<DriverUnderTest>,
  options: ConformanceOptions = {},
): void {
  describe(`${label}: storage driver conformance`, () => {
    let underTest: DriverUnderTest | undefined;
    const runPrefix = uniquePrefix(label);
    let cases = 0;

    const context: ConformanceContext = {
      get driver() {
        if (!underTest) throw new Error('The driver is only available once the suite has set it up');
        return underTest.driver;
      },
      prefix: () => `${runPrefix}case-${++cases}/`,
      options: {
        storesContentType: options.storesContentType ?? true,
        checksSignatures: options.checksSignatures ?? true,
      },
    };

    beforeAll(async () => {
      underTest = await setup();
    }, SLOW_TEST_TIMEOUT);

    afterAll(async () => {
      if (!underTest) return;
      const { driver, cleanup } = underTest;
      if (cleanup) await cleanup();
      else await forEachConcurrently(await listAll(driver.list(runPrefix)), 16, (key) => driver.delete(key));
    }, SLOW_TEST_TIMEOUT);

    describeBasicOperations(context);
    describeStat(context);
    describeRanges(context);
    describeKeyCharacters(context);
    describeEmptyFiles(context);
    describeMissingKeys(context);
    describeRefusedKeys(context);
    describeAtomicWrites(context);
    describeListing(context);
    describeLargeFile(context);
    describePresignedUrls(context);
    describeLeftoverSweep(context);
  });
}
