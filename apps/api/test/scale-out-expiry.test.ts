import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytes, client } from './helpers/http.js';
import { keysUnder, openMultipartUploads } from './helpers/s3-checks.js';
import { CLUSTER_TOKEN, type SharedDeployment, startSharedDeployment } from './helpers/shared-deployment.js';
import { createUpload, patchUpload } from './helpers/tus-requests.js';

const s3 = inject('s3Server');
const pg = inject('pgServer');
const redis = inject('redisServer');
const MIB = 1024 * 1024;

/** Polls `check` until it holds or `timeout` ms pass; answers whether it held. */
async function eventually(check: () => Promise<boolean>, timeout: number): Promise<boolean> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

describe.skipIf(!s3 || !pg || !redis).each(['postgres', 'redis'] as const)(
  'expiry with three instances (TUS_LOCKER=%s)',
  (locker) => {
    let deployment: SharedDeployment;
    beforeAll(async () => {
      deployment = await startSharedDeployment({ s3: s3!, pg: pg!, redis: redis! }, locker, {
        // Every instance ticks twice a second; the stores' expiry comes first, the
        // records' a second later (their state is then gone already).
        TUS_CLEANUP_INTERVAL: '500ms',
        TUS_UPLOAD_EXPIRATION: '3s',
        STORAGE_ALPHA_TUS__EXPIRATION: '2s',
        STORAGE_BETA_TUS__EXPIRATION: '2s',
      });
    });
    afterAll(() => deployment?.close());

    it('removes every expired upload once, on one instance, with nothing logged above info', async () => {
      const { cluster, buckets } = deployment;
      const http = client(cluster.url, CLUSTER_TOKEN);
      // Left unfinished: a part stored (5 MiB), or only a remainder (1 MiB).
      const sent = [5 * MIB, MIB, 5 * MIB, MIB];
      const ids = await Promise.all(
        sent.map(async (size, index) => {
          const path = await createUpload(http, 12 * MIB, index % 2 ? 'beta' : 'alpha');
          expect((await patchUpload(http, path, 0, bytes(size, index))).status).toBe(204);
          return path.split('/').pop()!;
        }),
      );
      const gone = await eventually(async () => {
        const records = await Promise.all(ids.map((id) => http.json(`/files/${id}`)));
        const left = await Promise.all(
          Object.values(buckets).flatMap((bucket) => [
            keysUnder(deployment.s3, bucket, '.stowage/tus/'),
            openMultipartUploads(deployment.s3, bucket),
          ]),
        );
        return records.every(({ status }) => status === 404) && left.every((keys) => keys.length === 0);
      }, 15_000);
      expect(gone).toBe(true);

      const logs = cluster.logs();
      expect(logs.filter((entry) => Number(entry.level) > 30)).toEqual([]);
      // The janitor's passes: what the stores' expiry removed, location by location.
      const storeRemovals = logs.filter(
        (entry) => entry.msg === 'cleaned up' && (entry['expired-uploads'] as { removed?: number })?.removed,
      );
      expect(
        storeRemovals.reduce(
          (sum, entry) => sum + Number((entry['expired-uploads'] as { removed: number }).removed),
          0,
        ),
      ).toBe(ids.length);
      const recordRemovals = logs.filter((entry) => entry.msg === 'stale upload removed');
      expect(recordRemovals.map((entry) => entry.id).sort()).toEqual([...ids].sort());
      // The cleanup ran where the lease is: one instance.
      const cleaners = new Set([...storeRemovals, ...recordRemovals].map((entry) => entry.instance));
      expect(cleaners.size).toBe(1);
    });
  },
);
