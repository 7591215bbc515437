import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytes, client, type FileJson, sha256 } from './helpers/http.js';
import type { ProxiedRequest } from './helpers/round-robin-proxy.js';
import { objectSha256, openMultipartUploads } from './helpers/s3-checks.js';
import { CLUSTER_TOKEN, type SharedDeployment, startSharedDeployment } from './helpers/shared-deployment.js';
import { tusUpload } from './helpers/tus.js';
import { createUpload, headOffset, patchUpload } from './helpers/tus-requests.js';

const s3 = inject('s3Server');
const pg = inject('pgServer');
const redis = inject('redisServer');
const MIB = 1024 * 1024;
const CHUNK = 5 * MIB;
/** Retries as a real client would make them, short enough for a test. */
const RETRIES = [100, 300, 600, 1000, 1500, 2000, 3000, 3000, 3000];

interface ServerInfo {
  data: { tus: { locker: string }; janitor: { lease: string; leader: boolean } };
}

describe.skipIf(!s3 || !pg || !redis).each(['postgres', 'redis'] as const)(
  'three instances behind a round-robin proxy (TUS_LOCKER=%s)',
  (locker) => {
    let deployment: SharedDeployment;
    let http: ReturnType<typeof client>;
    beforeAll(async () => {
      deployment = await startSharedDeployment({ s3: s3!, pg: pg!, redis: redis! }, locker);
      http = client(deployment.cluster.url, CLUSTER_TOKEN);
    });
    afterAll(() => deployment?.close());

    const requestsTo = (id: string): ProxiedRequest[] =>
      deployment.cluster.proxy.requests.filter((request) => request.path === `/files/tus/${id}`);

    /** The record is ready with the content's size and checksum, and S3 holds exactly the content. */
    const expectStored = async (id: string, content: Buffer, location: string) => {
      const { body } = await http.json(`/files/${id}`);
      expect(body.data).toMatchObject({
        storage: location,
        upload_status: 'ready',
        filesize: content.length,
        upload_offset: content.length,
        checksum: sha256(content),
      } satisfies Partial<FileJson>);
      expect(await objectSha256(deployment.s3, deployment.buckets[location]!, id)).toBe(sha256(content));
    };

    it('reports its locker, and exactly one instance holds the janitor lease', async () => {
      // The proxy sends each request on one path to the next instance: one answer from each.
      const answers = await Promise.all(
        [0, 1, 2].map(async () => (await http.json<ServerInfo>('/server/info')).body.data),
      );
      expect(answers.map((info) => info.tus.locker)).toEqual([locker, locker, locker]);
      expect(answers.map((info) => info.janitor.lease)).toEqual([locker, locker, locker]);
      expect(answers.filter((info) => info.janitor.leader)).toHaveLength(1);
    });

    it('HEAD and the record on one instance right after a PATCH on another report that PATCH’s offset', async () => {
      const content = bytes(3 * CHUNK - 11, 3);
      const path = await createUpload(http, content.length, 'beta');
      for (let offset = 0; offset < content.length; ) {
        const chunk = content.subarray(offset, offset + CHUNK);
        expect((await patchUpload(http, path, offset, chunk)).status).toBe(204);
        offset += chunk.length;
        expect(await headOffset(http, path)).toBe(offset);
        // The record too, whichever instance took the PATCH and whichever answers.
        expect((await http.json(`/files/${path.split('/').pop()}`)).body.data.upload_offset).toBe(offset);
      }
      const id = path.split('/').pop()!;
      const instances = requestsTo(id).map((request) => request.instance);
      for (let i = 1; i < instances.length; i++) expect(instances[i]).not.toBe(instances[i - 1]);
      await expectStored(id, content, 'beta');
    });

    it('uploads several files to two locations, consecutive PATCHes on different instances', async () => {
      const files = [
        { content: bytes(3 * CHUNK + 7, 21), location: 'alpha' },
        { content: bytes(2 * CHUNK + MIB, 22), location: 'beta' },
        { content: bytes(2 * CHUNK, 23), location: 'alpha' },
        { content: bytes(CHUNK + 3, 24), location: 'beta' },
      ];
      const uploads = await Promise.all(
        files.map(({ content, location }) =>
          tusUpload(deployment.cluster.url, CLUSTER_TOKEN, content, {
            chunkSize: CHUNK,
            metadata: { storage: location, filename: `${location}.bin` },
          }),
        ),
      );
      for (const [index, { id }] of uploads.entries()) {
        const { content, location } = files[index]!;
        await expectStored(id, content, location);
        const patches = requestsTo(id).filter((request) => request.method === 'PATCH');
        expect(patches).toHaveLength(Math.ceil(content.length / CHUNK));
        expect(patches.every((request) => request.status === 204)).toBe(true);
        for (let i = 1; i < patches.length; i++) {
          expect(patches[i]!.instance).not.toBe(patches[i - 1]!.instance);
        }
      }
      for (const bucket of Object.values(deployment.buckets)) {
        expect(await openMultipartUploads(deployment.s3, bucket)).toEqual([]);
      }
    });

    it('one instance SIGKILLed mid-PATCH and restarted: every upload completes, byte-exact', async () => {
      const { cluster } = deployment;
      const files = [
        { content: bytes(3 * CHUNK - 5, 31), location: 'alpha' },
        { content: bytes(2 * CHUNK + 9, 32), location: 'beta' },
        { content: bytes(3 * CHUNK, 33), location: 'beta' },
      ];
      let killed: Promise<void> | undefined;
      let killedPatch: ProxiedRequest | undefined;
      cluster.proxy.onForward = (request) => {
        if (killed || request.method !== 'PATCH' || request.instance !== 1) return;
        killedPatch = request;
        // Once the PATCH's bytes flow: the instance dies with a part half received.
        killed = (async () => {
          await sleep(30);
          await cluster.kill(1);
          await sleep(500);
          await cluster.restart(1);
        })();
      };
      try {
        const uploads = await Promise.all(
          files.map(({ content, location }) =>
            tusUpload(cluster.url, CLUSTER_TOKEN, content, {
              chunkSize: CHUNK,
              retryDelays: RETRIES,
              metadata: { storage: location, filename: 'killed.bin' },
            }),
          ),
        );
        await killed;
        expect(killedPatch?.status === undefined || killedPatch.status === 502).toBe(true);
        for (const [index, { id }] of uploads.entries()) {
          const { content, location } = files[index]!;
          await expectStored(id, content, location);
          expect(sha256((await http.download(id)).body)).toBe(sha256(content));
        }
        // A creation the instance died answering leaves an upload its client never heard
        // of: recorded as uploading, for the expiry to remove. Nothing else stays open.
        for (const bucket of Object.values(deployment.buckets)) {
          for (const key of await openMultipartUploads(deployment.s3, bucket)) {
            expect(uploads.map(({ id }) => id)).not.toContain(key);
            expect((await http.json(`/files/${key}`)).body.data.upload_status).toBe('uploading');
          }
        }
        // The restarted instance serves again.
        const info = await Promise.all([0, 1, 2].map(() => http.fetch('/server/health')));
        expect(info.map((response) => response.status)).toEqual([200, 200, 200]);
      } finally {
        cluster.proxy.onForward = undefined;
        await killed;
      }
    });

    it('two clients resuming one upload at once on different instances: no 5xx, byte-exact', async () => {
      const content = bytes(3 * CHUNK + 17, 41);
      // The first chunk arrived; then the client lost its connection, and resumes twice.
      const path = await createUpload(http, content.length, 'alpha');
      expect((await patchUpload(http, path, 0, content.subarray(0, CHUNK))).status).toBe(204);
      const uploadUrl = `${deployment.cluster.url}${path}`;
      const id = path.split('/').pop()!;
      const resume = () =>
        tusUpload(deployment.cluster.url, CLUSTER_TOKEN, content, {
          endpoint: undefined,
          uploadUrl,
          chunkSize: CHUNK,
          retryDelays: RETRIES,
        });
      const results = await Promise.allSettled([resume(), resume()]);
      expect(results.some((result) => result.status === 'fulfilled')).toBe(true);
      const statuses = requestsTo(id).map((request) => request.status);
      // Both PATCHed at the same offset: the one that came second through the lock was refused.
      expect(statuses).toContain(409);
      expect(statuses.filter((status) => status === undefined || status >= 500)).toEqual([]);
      await expectStored(id, content, 'alpha');
    });
  },
);
