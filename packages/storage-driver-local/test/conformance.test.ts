import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDriverConformance } from '@stowage/storage/testing';
import { LocalDriver } from '../src/index.js';

describeDriverConformance(
  'local disk',
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'stowage-local-conformance-'));
    return { driver: new LocalDriver({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
  },
  { storesContentType: false },
);
