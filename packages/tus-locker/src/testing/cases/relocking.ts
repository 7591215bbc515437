import { ERRORS } from '@tus/utils';
import { describe, expect, it } from 'vitest';
import { acquire, type LockerContext } from '../context.js';

/** Short: a lock that is free is taken at once; a lock left held would make this fail. */
const FREE_LOCK_BOUND = 1000;

export function describeRelocking(context: LockerContext): void {
  describe('unlock and lock again', () => {
    it('locks again right after an unlock: the same Lock, a new one, one on another instance', async () => {
      const [a, b] = [await context.locker(), await context.locker()];
      const id = context.id();
      const first = a.newLock(id);
      for (const lock of [first, first, a.newLock(id), b.newLock(id), a.newLock(id)]) {
        await lock.lock(AbortSignal.timeout(FREE_LOCK_BOUND), () => {});
        await lock.unlock();
      }
    });

    it('refuses to unlock a Lock that is not held: never locked, or unlocked already', async () => {
      const locker = await context.locker();
      const id = context.id();
      await expect(locker.newLock(id).unlock()).rejects.toThrow();
      const lock = locker.newLock(id);
      await acquire(lock);
      await lock.unlock();
      await expect(lock.unlock()).rejects.toThrow();
    });

    it.runIf(context.options.unlockChecksOwner)(
      "leaves the holder's lock in place when another Lock of the id unlocks",
      async () => {
        const [a, b] = [await context.locker(), await context.locker()];
        const id = context.id();
        const holder = a.newLock(id);
        await acquire(holder);
        await expect(b.newLock(id).unlock()).rejects.toThrow();
        await expect(a.newLock(id).unlock()).rejects.toThrow();
        await expect(b.newLock(id).lock(AbortSignal.timeout(300), () => {})).rejects.toBe(
          ERRORS.ERR_LOCK_TIMEOUT,
        );
        await holder.unlock();
      },
    );
  });
}
