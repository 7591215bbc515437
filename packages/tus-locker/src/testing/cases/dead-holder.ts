import { ERRORS } from '@tus/utils';
import { describe, expect, it } from 'vitest';
import { ACQUIRE_BOUND, acquire, type LockerContext } from '../context.js';

export function describeDeadHolder(context: LockerContext): void {
  describe('dead holder', () => {
    const timeout = context.options.deadHolderTimeout + 2 * ACQUIRE_BOUND;
    it('frees the lock of a holder that dies without unlocking', { timeout }, async ({ skip }) => {
      const kill = context.killHolder;
      if (!kill) return skip('a process-local lock dies with its process');
      const [doomed, survivor] = [await context.locker(), await context.locker()];
      const id = context.id();
      await acquire(doomed.newLock(id)); // a dead holder cannot let go when asked
      await expect(survivor.newLock(id).lock(AbortSignal.timeout(200), () => {})).rejects.toBe(
        ERRORS.ERR_LOCK_TIMEOUT,
      );

      await kill(doomed, id);
      const waiter = survivor.newLock(id);
      await waiter.lock(AbortSignal.timeout(context.options.deadHolderTimeout + ACQUIRE_BOUND), () => {});
      await waiter.unlock();
    });
  });
}
