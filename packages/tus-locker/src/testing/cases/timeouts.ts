import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS } from '@tus/utils';
import { describe, expect, it } from 'vitest';
import { acquire, type LockerContext, releaseRecorder } from '../context.js';

export function describeTimeouts(context: LockerContext): void {
  describe('acquire timeout', () => {
    it("fails with ERR_LOCK_TIMEOUT when the request's signal aborts, and leaves the lock free", async () => {
      const [a, b] = [await context.locker(), await context.locker()];
      const id = context.id();
      const holder = a.newLock(id);
      const recorder = releaseRecorder(holder, false);
      await acquire(holder, recorder.cancelReq);

      // Long enough for a release request to arrive from another instance on a busy machine.
      await expect(b.newLock(id).lock(AbortSignal.timeout(1500), () => {})).rejects.toBe(
        ERRORS.ERR_LOCK_TIMEOUT,
      );
      expect(recorder.asked()).toBeGreaterThanOrEqual(1);
      await holder.unlock();
      // From the instance that did not time out: a lock the failed waiter kept would keep it out.
      const next = a.newLock(id);
      await next.lock(AbortSignal.timeout(1000), () => {});
      await next.unlock();
    });

    it("fails with ERR_LOCK_TIMEOUT after the locker's acquire timeout, whatever the signal", async () => {
      const locker = await context.locker({ acquireTimeout: 300 });
      const id = context.id();
      const holder = locker.newLock(id);
      await acquire(holder);
      await expect(locker.newLock(id).lock(new AbortController().signal, () => {})).rejects.toBe(
        ERRORS.ERR_LOCK_TIMEOUT,
      );
      await holder.unlock();
    });

    it('stops asking the holder to let go once the waiter has given up', async () => {
      const [a, b] = [await context.locker(), await context.locker()];
      const id = context.id();
      const holder = a.newLock(id);
      const recorder = releaseRecorder(holder, false);
      await acquire(holder, recorder.cancelReq);
      await expect(b.newLock(id).lock(AbortSignal.timeout(1500), () => {})).rejects.toBe(
        ERRORS.ERR_LOCK_TIMEOUT,
      );
      await sleep(500); // requests already on their way may still arrive
      const asked = recorder.asked();
      expect(asked).toBeGreaterThanOrEqual(1);
      await sleep(300);
      expect(recorder.asked()).toBe(asked);
      await holder.unlock();
    });
  });
}
