import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { hasLeftoverSweep } from '../../capabilities/leftover-sweep.js';
import type { ConformanceContext } from '../context.js';
import { readText, writeContent } from '../io.js';
import { failingStream, randomBuffer, sha256OfStream, streamOf } from '../streams.js';

/** Past the 8 MiB first part of an S3 write: a multipart upload exists by then. */
const PAST_FIRST_PART = 9 * 1024 * 1024;
/** A bound that makes S3 plan 8 MiB parts (unbounded writes are planned for 5 TiB objects). */
const MAX_SIZE = { maxSize: 1024 ** 3 };
/** Time for a driver to take in what was sent before the test acts mid-write. */
const IN_FLIGHT_DELAY_MS = 500;

/** Drivers with `sweepLeftovers` (LeftoverSweep): a sweep removes only what dead writes left. */
export function describeLeftoverSweep(context: ConformanceContext): void {
  describe('leftover sweep', () => {
    it('never touches a stored file or a write in flight, however idle', async ({ skip }) => {
      const { driver } = context;
      if (!hasLeftoverSweep(driver)) return skip('the driver has no leftover sweep');
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}stored.txt`, 'kept');
      const head = randomBuffer(PAST_FIRST_PART, 'in-flight');
      const body = new PassThrough();
      body.write(head);
      const writing = driver.write(`${prefix}in-flight.bin`, body, MAX_SIZE);
      await sleep(IN_FLIGHT_DELAY_MS);

      await driver.sweepLeftovers({ idleFor: 0 });
      body.end('tail');
      await writing;
      expect(await sha256OfStream(await driver.read(`${prefix}in-flight.bin`))).toBe(
        await sha256OfStream(streamOf(Buffer.concat([head, Buffer.from('tail')]))),
      );
      expect(await readText(driver, `${prefix}stored.txt`)).toBe('kept');
    });

    it('finds nothing after a failed write: the writer removed its own leftovers at once', async ({
      skip,
    }) => {
      const { driver } = context;
      if (!hasLeftoverSweep(driver)) return skip('the driver has no leftover sweep');
      const key = `${context.prefix()}failed.bin`;
      await expect(driver.write(key, failingStream(PAST_FIRST_PART), MAX_SIZE)).rejects.toThrow();
      expect(await driver.sweepLeftovers({ idleFor: 0 })).toEqual({ removed: 0 });
      expect(await driver.exists(key)).toBe(false);
    });
  });
}
