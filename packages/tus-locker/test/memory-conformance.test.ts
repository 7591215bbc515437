import { createMemoryLocker } from '../src/index.js';
import { describeLockerConformance } from '../src/testing/index.js';

describeLockerConformance(
  'memory',
  async () => {
    const locker = createMemoryLocker();
    return { createLocker: (options) => (options?.acquireTimeout ? createMemoryLocker(options) : locker) };
  },
  // MemoryLocker's unlock deletes whatever lock the id has, held by this Lock or not.
  { unlockChecksOwner: false },
);
