import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createTestDatabase } from '@stowage/test-pg-server';
import { createTestBucket, rawS3Client, s3LocationEnv } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ofEvent, runCli, startCli } from './helpers/cli.js';
import { bytes, type Deployment, type FileJson, sha256, startDeployment } from './helpers/deployment.js';

const s3Server = inject('s3Server');
const pgServer = inject('pgServer');
const MiB = 1024 * 1024;

/** 200 files: mostly small (empty ones too), two of a few MiB, one past 64 MiB (multipart on every path). */
const SIZES = Array.from({ length: 200 }, (_, i) =>
  i === 0 ? 65 * MiB : i < 3 ? 3 * MiB + i : [0, 1, 4096, 10_000, 100_000, 300_000][i % 6]!,
);

describe.skipIf(!s3Server || !pgServer)(
  'stowage migrate: local → S3 → another S3 location, with the API serving',
  () => {
    let deployment: Deployment;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let raw: S3Client;
    const buckets: Awaited<ReturnType<typeof createTestBucket>>[] = [];
    /** id → SHA-256 of what was uploaded. */
    const uploaded = new Map<string, string>();

    beforeAll(async () => {
      database = await createTestDatabase(pgServer!, 'cli_migrate');
      buckets.push(
        await createTestBucket(s3Server!, 'cli-s3'),
        await createTestBucket(s3Server!, 'cli-archive'),
      );
      raw = rawS3Client(s3Server!);
      deployment = await startDeployment({
        STORAGE_LOCATIONS: 'local,s3,archive',
        ...s3LocationEnv('s3', s3Server!, buckets[0]!.bucket),
        ...s3LocationEnv('archive', s3Server!, buckets[1]!.bucket),
        DB_CLIENT: 'pg',
        DB_CONNECTION_STRING: database.connectionString,
      });
      for (const [index, size] of SIZES.entries()) {
        const content = bytes(size, index);
        const file = await deployment.upload('local', `file-${index}.bin`, content);
        uploaded.set(file.id, sha256(content));
      }
    }, 180_000);
    afterAll(async () => {
      await deployment?.close();
      await Promise.all(buckets.map((bucket) => bucket.remove()));
      raw?.destroy();
      await database?.drop();
    });

    const records = async () => {
      const response = await deployment.api('/files?limit=1000');
      return ((await response.json()) as { data: FileJson[] }).data;
    };
    const objectKeys = async (bucket: string) => {
      const page = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (page.Contents ?? []).map((object) => object.Key!).filter((key) => !key.startsWith('.stowage/'));
    };
    const localFiles = async () =>
      (await readdir(join(deployment.dataDir, 'uploads'), { withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);

    /** Downloads random files through the API until stopped: every answer must be the whole, right file. */
    const readWhile = (running: () => boolean) => {
      const ids = [...uploaded.keys()].filter((id) => id !== [...uploaded.keys()][0]);
      const failures: string[] = [];
      let reads = 0;
      const reader = async () => {
        while (running()) {
          const id = ids[Math.floor(Math.random() * ids.length)]!;
          const response = await deployment.api(`/assets/${id}`);
          const body = Buffer.from(await response.arrayBuffer());
          reads += 1;
          if (response.status !== 200 || sha256(body) !== uploaded.get(id)) {
            failures.push(`${id}: ${response.status} ${body.subarray(0, 200).toString()}`);
          }
        }
      };
      const done = Promise.all([reader(), reader()]);
      return async () => {
        await done;
        return { reads, failures };
      };
    };

    it('killed half-way and run again, finishes without copying a finished file twice', async () => {
      const args = ['migrate', '--from', 'local', '--to', 's3', '--delete-source', '--json'];
      let migrating = true;
      const reads = readWhile(() => migrating);

      const first = startCli(args, deployment.env);
      await first.waitFor((events) => ofEvent(events, 'file').length >= 70);
      first.child.kill('SIGKILL');
      expect((await first.done).signal).toBe('SIGKILL');
      const reported = ofEvent(first.events, 'file')
        .filter((e) => e.status === 'moved')
        .map((e) => e.id as string);
      const afterKill = await records();
      const switched = new Map(afterKill.filter((f) => f.storage === 's3').map((f) => [f.id, f.modified_on]));
      expect(reported.every((id) => switched.has(id))).toBe(true);
      expect(switched.size).toBeLessThan(200);

      const second = await runCli(args, deployment.env);
      migrating = false;
      expect(second.code, second.stderr).toBe(0);
      const copiedAgain = ofEvent(second.events, 'file').filter((e) => switched.has(e.id as string));
      expect(copiedAgain).toEqual([]);
      expect(ofEvent(second.events, 'summary')[0]).toMatchObject({
        moved: 200 - switched.size,
        failed: 0,
        left: 0,
      });

      const final = await records();
      expect(final.filter((f) => f.storage === 's3')).toHaveLength(200);
      for (const [id, modified] of switched)
        expect(final.find((f) => f.id === id)!.modified_on).toBe(modified);
      expect((await objectKeys(buckets[0]!.bucket)).sort()).toEqual(final.map((f) => f.filename_disk).sort());

      // The first run was killed before it deleted its last sources: they are orphans now, and only they.
      const leftBehind = await localFiles();
      const keyOf = new Map(final.map((f) => [f.filename_disk, f.id]));
      expect(leftBehind.every((key) => switched.has(keyOf.get(key)!))).toBe(true);
      const cleanup = await runCli(
        ['orphans', '--location', 'local', '--older-than', '0s', '--delete', '--json'],
        deployment.env,
      );
      expect(cleanup.code, cleanup.stderr).toBe(0);
      expect(
        ofEvent(cleanup.events, 'orphan')
          .map((e) => e.key)
          .sort(),
      ).toEqual(leftBehind.sort());
      expect(await localFiles()).toEqual([]);

      const { reads: count, failures } = await reads();
      expect(failures).toEqual([]);
      expect(count).toBeGreaterThan(20);
    }, 180_000);

    it('moves everything to a second S3 location server-side while downloads go on, then verifies', async () => {
      let migrating = true;
      const reads = readWhile(() => migrating);
      const run = await runCli(
        ['migrate', '--from', 's3', '--to', 'archive', '--delete-source', '--concurrency', '8', '--json'],
        deployment.env,
      );
      migrating = false;
      expect(run.code, run.stderr).toBe(0);
      expect(ofEvent(run.events, 'summary')[0]).toMatchObject({ moved: 200, failed: 0 });
      expect(ofEvent(run.events, 'progress').at(-1)).toMatchObject({ files_done: 200, files_total: 200 });

      const final = await records();
      expect(final.every((f) => f.storage === 'archive')).toBe(true);
      expect(await objectKeys(buckets[0]!.bucket)).toEqual([]);
      expect((await objectKeys(buckets[1]!.bucket)).length).toBe(200);
      const { failures } = await reads();
      expect(failures).toEqual([]);

      const verified = await runCli(['verify', '--json'], deployment.env);
      expect(verified.code, verified.stderr).toBe(0);
      expect(ofEvent(verified.events, 'summary')[0]).toMatchObject({
        checked: 200,
        ok: 200,
        missing: 0,
        mismatched: 0,
      });
    }, 180_000);
  },
);
