import { open, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client, s3LocationEnv } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ofEvent, runCli } from './helpers/cli.js';
import { bytes, type Deployment, type FileJson, startDeployment } from './helpers/deployment.js';

const s3Server = inject('s3Server');
const MiB = 1024 * 1024;

describe.skipIf(!s3Server)('stowage verify and orphans on local and S3 locations', () => {
  let deployment: Deployment;
  let bucket: Awaited<ReturnType<typeof createTestBucket>>;
  let raw: S3Client;
  const files: Record<'local' | 's3' | 'nested', FileJson[]> = { local: [], s3: [], nested: [] };
  const uploads: { id: string; location: string }[] = [];

  beforeAll(async () => {
    bucket = await createTestBucket(s3Server!, 'cli-checks');
    raw = rawS3Client(s3Server!);
    deployment = await startDeployment({
      STORAGE_LOCATIONS: 'local,s3,nested',
      ...s3LocationEnv('s3', s3Server!, bucket.bucket),
      // Inside the root of `s3`: its files are never orphans of `s3`.
      ...s3LocationEnv('nested', s3Server!, bucket.bucket, { ROOT: 'nested' }),
    });
    for (const location of ['local', 's3', 'nested'] as const) {
      for (let i = 0; i < 4; i++) {
        files[location].push(await deployment.upload(location, `${location}-${i}.txt`, bytes(2000 + i, i)));
      }
    }
    // Resumable uploads in progress: their state lives in `.stowage/`, their key is their record's.
    for (const location of ['local', 's3']) uploads.push({ id: await startTusUpload(location), location });
  });
  afterAll(async () => {
    await deployment?.close();
    await bucket?.remove();
    raw?.destroy();
  });

  async function startTusUpload(location: string): Promise<string> {
    const created = await deployment.api('/files/tus', {
      method: 'POST',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': String(12 * MiB),
        'upload-metadata': `storage ${Buffer.from(location).toString('base64')}`,
      },
    });
    expect(created.status).toBe(201);
    const id = created.headers.get('location')!.split('/').pop()!;
    const patched = await deployment.api(`/files/tus/${id}`, {
      method: 'PATCH',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: bytes(9 * MiB, 9),
    });
    expect(patched.status).toBe(204);
    return id;
  }

  const s3Keys = async () =>
    ((await raw.send(new ListObjectsV2Command({ Bucket: bucket.bucket }))).Contents ?? [])
      .map((o) => o.Key!)
      .sort();
  const localEntries = async () =>
    (await readdir(join(deployment.dataDir, 'uploads'), { recursive: true })).sort();
  const [tamperedLocal, tamperedS3, deletedS3] = [
    () => files.local[1]!,
    () => files.s3[2]!,
    () => files.s3[3]!,
  ];

  it('locations shows each driver, its options with secrets masked, and its health', async () => {
    const run = await runCli(['locations', '--json'], deployment.env);
    expect(run.code, run.stderr).toBe(0);
    const [local, s3, nested] = ofEvent(run.events, 'location');
    expect(local).toMatchObject({ name: 'local', default: true, driver: 'local', health: { ok: true } });
    expect(s3).toMatchObject({
      name: 's3',
      default: false,
      driver: 's3',
      options: { bucket: bucket.bucket, endpoint: s3Server!.endpoint, key: '****', secret: '****' },
      health: { ok: true, mode: 'read-write' },
    });
    expect(nested).toMatchObject({ options: { root: 'nested/' } });
    expect(run.stdout).not.toContain(s3Server!.secretAccessKey);

    const broken = await runCli(['locations', '--json'], {
      ...deployment.env,
      STORAGE_S3_BUCKET: 'no-such-bucket-for-stowage',
    });
    expect(broken.code).toBe(1);
    expect(ofEvent(broken.events, 'location')[1]).toMatchObject({ name: 's3', health: { ok: false } });
  });

  it('verify finds a byte changed on disk and in S3 behind the API, and a deleted object', async () => {
    const handle = await open(join(deployment.dataDir, 'uploads', tamperedLocal().filename_disk), 'r+');
    await handle.write(Buffer.from([0xff]), 0, 1, 100);
    await handle.close();
    const object = await raw.send(
      new GetObjectCommand({ Bucket: bucket.bucket, Key: tamperedS3().filename_disk }),
    );
    const changed = Buffer.from(await object.Body!.transformToByteArray());
    changed[7]! ^= 1;
    await raw.send(
      new PutObjectCommand({ Bucket: bucket.bucket, Key: tamperedS3().filename_disk, Body: changed }),
    );
    await raw.send(new DeleteObjectCommand({ Bucket: bucket.bucket, Key: deletedS3().filename_disk }));

    const all = await runCli(['verify', '--json'], deployment.env);
    expect(all.code).toBe(1);
    const problems = ofEvent(all.events, 'problem').map((p) => [p.problem, p.id, p.location]);
    expect(problems.sort()).toEqual(
      [
        ['mismatched', tamperedLocal().id, 'local'],
        ['mismatched', tamperedS3().id, 's3'],
        ['missing', deletedS3().id, 's3'],
      ].sort(),
    );
    expect(ofEvent(all.events, 'summary')[0]).toMatchObject({
      checked: 12,
      ok: 9,
      mismatched: 2,
      missing: 1,
    });

    const local = await runCli(['verify', '--location', 'local', '--json'], deployment.env);
    expect(local.code).toBe(1);
    expect(ofEvent(local.events, 'problem').map((p) => p.id)).toEqual([tamperedLocal().id]);
    expect(ofEvent(local.events, 'summary')[0]).toMatchObject({ checked: 4, ok: 3 });

    const sampled = await runCli(
      ['verify', '--location', 'nested', '--sample', '50%', '--json'],
      deployment.env,
    );
    expect(sampled.code).toBe(0);
    expect(ofEvent(sampled.events, 'start')[0]).toMatchObject({ sample: 0.5, files: 4 });
    expect(ofEvent(sampled.events, 'summary')[0]!.checked).toBeLessThanOrEqual(4);
  });

  it('orphans finds planted objects older than the bound, never upload internals or a nested location', async () => {
    await raw.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: 'planted/orphan.bin', Body: 'stray' }));
    const stray = join(deployment.dataDir, 'uploads', 'stray.txt');
    await writeFile(stray, 'left behind');
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
    await utimes(stray, twoDaysAgo, twoDaysAgo);

    const byDefault = await runCli(['orphans', '--json'], deployment.env);
    expect(byDefault.code).toBe(1);
    // 24 h by default: the object planted a moment ago is left alone, the old file is not.
    expect(ofEvent(byDefault.events, 'orphan').map((o) => [o.location, o.key])).toEqual([
      ['local', 'stray.txt'],
    ]);
    expect(ofEvent(byDefault.events, 'summary')[0]).toMatchObject({ young: 1, missing: 1 });

    const everything = await runCli(['orphans', '--older-than', '0s', '--json'], deployment.env);
    const found = ofEvent(everything.events, 'orphan').map((o) => [o.location, o.key]);
    expect(found.sort()).toEqual([
      ['local', 'stray.txt'],
      ['s3', 'planted/orphan.bin'],
    ]);
    expect(ofEvent(everything.events, 'missing').map((m) => [m.location, m.id])).toEqual([
      ['s3', deletedS3().id],
    ]);
    // The uploads in progress have state in `.stowage/`, which is there but never listed.
    expect((await s3Keys()).some((key) => key.startsWith(`.stowage/tus/${uploads[1]!.id}`))).toBe(true);
    expect((await localEntries()).some((entry) => entry.includes(uploads[0]!.id))).toBe(true);
  });

  it('orphans --delete removes the orphans and nothing else', async () => {
    const s3Before = await s3Keys();
    const localBefore = await localEntries();
    const run = await runCli(['orphans', '--older-than', '0s', '--delete', '--json'], deployment.env);
    expect(run.code).toBe(1); // the record without bytes is still there: records are never deleted
    expect(ofEvent(run.events, 'summary')[0]).toMatchObject({ orphans: 2, deleted: 2, missing: 1 });
    expect(await s3Keys()).toEqual(s3Before.filter((key) => key !== 'planted/orphan.bin'));
    expect(await localEntries()).toEqual(localBefore.filter((entry) => entry !== 'stray.txt'));

    // Every file and upload is as it was: the untouched files download, the uploads resume where they were.
    for (const file of [...files.local, ...files.s3, ...files.nested]) {
      if ([tamperedLocal(), tamperedS3(), deletedS3()].includes(file)) continue;
      expect((await deployment.api(`/assets/${file.id}`)).status).toBe(200);
    }
    for (const { id } of uploads) {
      const head = await deployment.api(`/files/tus/${id}`, {
        method: 'HEAD',
        headers: { 'tus-resumable': '1.0.0' },
      });
      expect(head.headers.get('upload-offset')).toBe(String(9 * MiB));
    }
  });
});
