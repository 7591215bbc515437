import { randomBytes } from 'node:crypto';
import type { Locker } from '@tus/utils';
import { afterAll, beforeAll, describe } from 'vitest';
import { describeDeadHolder } from './cases/dead-holder.js';
import { describeExclusion } from './cases/exclusion.js';
import { describeParallelIds } from './cases/parallel-ids.js';
import { describeRelocking } from './cases/relocking.js';
import { describeTimeouts } from './cases/timeouts.js';
import type { LockerConformanceOptions, LockerContext, LockerUnderTest } from './context.js';

const SETUP_TIMEOUT = 60_000;

/**
 * Registers the Locker contract's conformance tests for one implementation, as
 * @tus/server relies on it: exclusion, release requests (across instances where there
 * are instances), acquire timeouts, relocking, independence of ids, dead holders.
 * Ids are unique to the run, so suites and runs can share one backend.
 */
export function describeLockerConformance(
  label: string,
  setup: () => Promise<LockerUnderTest>,
  options: LockerConformanceOptions = {},
): void {
  describe(`${label}: tus locker conformance`, () => {
    let underTest: LockerUnderTest | undefined;
    const lockers: Locker[] = [];
    const run = `${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomBytes(4).toString('hex')}`;
    let ids = 0;

    const context: LockerContext = {
      async locker(lockerOptions) {
        if (!underTest) throw new Error('Lockers are only available once the suite has set up');
        const locker = await underTest.createLocker(lockerOptions);
        if (!lockers.includes(locker)) lockers.push(locker);
        return locker;
      },
      id: () => `${run}-${++ids}`,
      get killHolder() {
        return underTest?.killHolder;
      },
      options: {
        deadHolderTimeout: options.deadHolderTimeout ?? 5000,
        unlockChecksOwner: options.unlockChecksOwner ?? true,
      },
    };

    beforeAll(async () => {
      underTest = await setup();
    }, SETUP_TIMEOUT);

    afterAll(async () => {
      await Promise.all(lockers.map((locker) => closeable(locker)?.close()));
      await underTest?.cleanup?.();
    }, SETUP_TIMEOUT);

    describeExclusion(context);
    describeTimeouts(context);
    describeRelocking(context);
    describeParallelIds(context);
    describeDeadHolder(context);
  });
}

function closeable(locker: Locker): { close(): Promise<void> } | undefined {
  const close: unknown = (locker as { close?: unknown }).close;
  return typeof close === 'function' ? { close: () => close.call(locker) } : undefined;
}
