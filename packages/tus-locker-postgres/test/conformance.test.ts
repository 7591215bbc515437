import { describeLockerConformance } from '@stowage/tus-locker/testing';
import { describe, inject } from 'vitest';
import { lockerDatabase } from './harness.js';

const server = inject('pgServer');

describe.skipIf(!server)('PostgreSQL', () => {
  describeLockerConformance('postgres', async () => {
    const database = await lockerDatabase(server!, 'locker conformance');
    return {
      // Each locker has connections of its own: two of them are two API instances.
      createLocker: (options) => database.createLocker(options),
      killHolder: (_locker, id) => database.terminateHolder(id),
      cleanup: () => database.cleanup(),
    };
  });
});
