import { hasLeftoverSweep } from '@stowage/storage';
import type { ApiEnv } from '../config/env.js';
import type { FileRecords } from '../db/file-records.js';
import type { UploadPartials } from '../db/upload-partials.js';
import { backfillChecksum } from '../files/checksum-backfill.js';
import type { Locations } from '../locations.js';
import type { UploadServers } from '../tus/upload-servers.js';
import { type CleanupStep, Janitor, type JanitorOptions } from './janitor.js';
import { unfinishedUploadsStep } from './unfinished-uploads.js';

/** The stores' own expiry of unfinished resumable uploads (never of finished ones). */
export function expiredUploadsStep(uploads: UploadServers): CleanupStep {
  return { name: 'expired-uploads', run: async (location) => ({ removed: await uploads.expire(location) }) };
}

/** What writes that died left in the location (temporary files, multipart uploads), once abandoned. */
export function leftoversStep(storage: Locations, abandonedAfter: number): CleanupStep {
  return {
    name: 'leftovers',
    async run(location) {
      const driver = storage.location(location);
      if (!hasLeftoverSweep(driver)) return undefined;
      return { ...(await driver.sweepLeftovers({ idleFor: abandonedAfter })) };
    },
  };
}

/** Partial uploads never joined: their stores expire them; their rows go once surely expired. */
export function unjoinedPartialsStep(partials: UploadPartials, expiration: number): CleanupStep {
  return {
    name: 'partials',
    run: async () => {
      await partials.deleteCreatedBefore(new Date(Date.now() - expiration).toISOString());
      return undefined;
    },
  };
}

/** Ready files still without a SHA-256 (a concatenation, a direct upload, a read that failed): one read each. */
export function checksumsStep(
  storage: Locations,
  records: FileRecords,
  log: JanitorOptions['log'],
  perRun = 20,
): CleanupStep {
  return {
    name: 'checksums',
    async run(location) {
      let filled = 0;
      for (const file of await records.readyWithoutChecksum(location, perRun)) {
        if (await backfillChecksum(storage, records, file, log)) filled++;
      }
      return { filled };
    },
  };
}

/** The API's janitor with its built-in steps: records first, then the stores' expiry, then leftovers. */
export function createJanitor(
  parts: {
    env: ApiEnv;
    storage: Locations;
    records: FileRecords;
    partials: UploadPartials;
    uploads: UploadServers | undefined;
  },
  options: Omit<JanitorOptions, 'locations' | 'interval'>,
): Janitor {
  const { env, storage, records, partials, uploads } = parts;
  const janitor = new Janitor({
    ...options,
    locations: storage.locationNames,
    interval: env.TUS_CLEANUP_INTERVAL,
  });
  if (uploads) {
    janitor.register(unfinishedUploadsStep(records, uploads, env, options.log));
    janitor.register(expiredUploadsStep(uploads));
    janitor.register(unjoinedPartialsStep(partials, env.TUS_UPLOAD_EXPIRATION));
  }
  janitor.register(checksumsStep(storage, records, options.log));
  return janitor.register(leftoversStep(storage, env.CLEANUP_ABANDONED_AFTER));
}
