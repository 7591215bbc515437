import { describe, expect, it } from 'vitest';
import { acquire, type LockerContext, releaseRecorder, stillPending } from '../context.js';

export function describeExclusion(context: LockerContext): void {
  describe('exclusion', () => {
    it('makes a second lock on the id wait until the first unlocks', async () => {
      const [a, b] = [await context.locker(), await context.locker()];
      const id = context.id();
      const first = a.newLock(id);
      await acquire(first); // a holder that ignores requests to let go
      const events: string[] = [];
      const second = b.newLock(id);
      const waiting = acquire(second).then(() => events.push('second locked'));
      expect(await stillPending(waiting, 300)).toBe(true);
      events.push('first unlocking');
      await first.unlock();
      await waiting;
      expect(events).toEqual(['first unlocking', 'second locked']);
      await second.unlock();
    });

    for (const where of ['another instance', 'the same instance']) {
      it(`asks the holder on ${where} to let go, and gets the lock once it has`, async () => {
        const a = await context.locker();
        const b = where === 'the same instance' ? a : await context.locker();
        const id = context.id();
        const holder = a.newLock(id);
        const recorder = releaseRecorder(holder, true);
        await acquire(holder, recorder.cancelReq);
        expect(recorder.asked()).toBe(0);

        const waiter = b.newLock(id);
        await acquire(waiter);
        expect(recorder.asked()).toBeGreaterThanOrEqual(1);
        await waiter.unlock();
      });
    }
  });
}
