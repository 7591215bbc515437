import type { Lock } from '@tus/utils';
import { ERRORS } from '@tus/utils';
import { describe, expect, it } from 'vitest';
import { acquire, type LockerContext, releaseRecorder } from '../context.js';

/** Within the connection bound of every locker's defaults, with room for a waiter. */
const IDS = 8;

export function describeParallelIds(context: LockerContext): void {
  describe('many ids', () => {
    it('holds locks on many ids at once, each on its own, asking no holder to let go', async () => {
      const [a, b] = [await context.locker(), await context.locker()];
      const ids = Array.from({ length: IDS }, () => context.id());
      const otherIds = Array.from({ length: IDS }, () => context.id());

      const holders = ids.map((id) => a.newLock(id));
      const recorders = holders.map((lock) => releaseRecorder(lock, false));
      await Promise.all(holders.map((lock, i) => acquire(lock, recorders[i]!.cancelReq)));
      const others: Lock[] = otherIds.map((id) => b.newLock(id));
      await Promise.all(others.map((lock) => acquire(lock)));
      expect(recorders.map((recorder) => recorder.asked())).toEqual(ids.map(() => 0));

      // They are held for real: one of them keeps a waiter out.
      await expect(b.newLock(ids[0]!).lock(AbortSignal.timeout(300), () => {})).rejects.toBe(
        ERRORS.ERR_LOCK_TIMEOUT,
      );
      await Promise.all([...holders, ...others].map((lock) => lock.unlock()));

      const takers = ids.map((id) => b.newLock(id));
      await Promise.all(takers.map((lock) => acquire(lock)));
      await Promise.all(takers.map((lock) => lock.unlock()));
    });
  });
}
