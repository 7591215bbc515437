import { inspect } from 'node:util';
import { ListMultipartUploadsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  hasHealthProbe,
  hasPresignedUrls,
  hasServerSideCopy,
  InvalidConfigError,
  InvalidKeyError,
  NotFoundError,
} from '@stowage/storage';
import { failingStream, listAll, randomBuffer, streamOf, streamToBuffer } from '@stowage/storage/testing';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../src/index.js';
import { driverOn, server, serverOptions, useTestBucket } from './real-s3.js';

const MiB = 1024 ** 2;

describe.skipIf(!server)('S3 driver on Ceph RGW', () => {
  const bucket = useTestBucket('behaviour');
  let raw: S3Client;
  let driver: S3Driver;
  beforeAll(() => {
    raw = rawS3Client(server!);
    driver = driverOn(bucket.name, { root: 'r', partSize: 5 * MiB, maxObjectSize: '40GiB' });
  });
  afterAll(() => raw?.destroy());

  const putRaw = (Key: string, Body = 'x') =>
    raw.send(new PutObjectCommand({ Bucket: bucket.name, Key, Body }));
  const openUploads = async () =>
    (await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket.name }))).Uploads ?? [];

  it('leaves no object and no multipart upload when the content fails mid-way', async () => {
    const content = failingStream(12 * MiB, new Error('source broke'));
    await expect(driver.write('failed', content)).rejects.toThrow();
    expect(await driver.exists('failed')).toBe(false);
    expect(await openUploads()).toEqual([]);
  });

  it('leaves no object and no multipart upload when the write is aborted', async () => {
    const controller = new AbortController();
    const content = streamOf(randomBuffer(30 * MiB));
    const writing = driver.write('aborted', content, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(writing).rejects.toThrow();
    expect(await driver.exists('aborted')).toBe(false);
    await expect.poll(openUploads).toEqual([]);
  });

  it('refuses a known size the content does not match, storing nothing', async () => {
    await expect(driver.write('short', streamOf(Buffer.from('abc')), { size: 10 })).rejects.toThrow(/size/);
    expect(await driver.exists('short')).toBe(false);
  });

  it('cuts the parts of an unknown-length write for its maxSize, not the largest object', async () => {
    const planned = driverOn(bucket.name, { root: 'r' });
    await planned.write('bounded', streamOf(randomBuffer(20 * MiB)), { maxSize: 64 * MiB });
    // A multipart ETag ends with the part count: 8 MiB parts, where 5 TiB objects would need one 525 MiB part.
    expect((await planned.stat('bounded')).etag).toMatch(/-3$/);
  });

  it('stops reading when the read is aborted', async () => {
    await driver.write('big', streamOf(randomBuffer(8 * MiB)));
    const controller = new AbortController();
    const stream = await driver.read('big', { signal: controller.signal });
    controller.abort();
    await expect(streamToBuffer(stream)).rejects.toThrow(/abort/i);
  });

  it('keeps cache-control and content-disposition', async () => {
    await driver.write('meta', streamOf(Buffer.from('m')), {
      contentType: 'text/markdown',
      cacheControl: 'max-age=60',
      contentDisposition: 'attachment; filename="a.md"',
    });
    const response = await fetch(await driver.presignRead('meta', { expiresIn: 60 }));
    expect(response.headers.get('cache-control')).toBe('max-age=60');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="a.md"');
    expect(response.headers.get('content-type')).toBe('text/markdown');
    expect(await response.text()).toBe('m');
  });

  it('copies and moves keys that need encoding in the copy source', async () => {
    const names = ['a b+c?d#e%f', 'ünï/cödé 😀', 'plus+plus'];
    for (const name of names) {
      await driver.write(`enc/${name}`, streamOf(Buffer.from(name)), { contentType: 'text/plain' });
      await driver.copy(`enc/${name}`, `copied/${name}`);
      await driver.move(`copied/${name}`, `moved/${name}`);
      expect((await streamToBuffer(await driver.read(`moved/${name}`))).toString()).toBe(name);
      expect(await driver.exists(`copied/${name}`)).toBe(false);
    }
  });

  it('does not delete the source of a move whose copy failed', async () => {
    await driver.write('stay', streamOf(Buffer.from('s')));
    await expect(driver.move('stay', '.stowage/x')).rejects.toBeInstanceOf(InvalidKeyError);
    expect(await driver.exists('stay')).toBe(true);
  });

  it('lists keys relative to root, without folder markers, the reserved folder or other roots', async () => {
    await putRaw('r/list/');
    await putRaw('r/list/folder/');
    await putRaw('r/list/file');
    await putRaw('r/.stowage/state');
    await putRaw('rx/list/other-root');
    expect(await listAll(driver.list('list'))).toEqual(['list/file']);
    expect(
      (await listAll(driver.list())).some((key) => key.startsWith('.stowage') || key.startsWith('r/')),
    ).toBe(false);
  });

  it('maps errors to typed errors that never contain the secret', async () => {
    const wrongSecret = 'wrong-secret-0123456789abcdef';
    const intruder = driverOn(bucket.name, { secret: wrongSecret });
    const error = await intruder.stat('anything').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FORBIDDEN' });
    await expect(intruder.exists('anything')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const shown of [String(error), JSON.stringify(error), inspect(error, { depth: 20 })]) {
      expect(shown).not.toContain(wrongSecret);
      expect(shown).not.toContain(server!.secretAccessKey);
      expect(shown).not.toContain(server!.accessKeyId);
    }
    const report = await intruder.probe();
    expect(report.ok).toBe(false);
    expect(report.error).not.toContain(wrongSecret);
  });

  it('names a missing bucket as a configuration fault, never as a missing file', async () => {
    const lost = driverOn('no-such-bucket-stowage');
    await expect(lost.read('k')).rejects.toThrow(InvalidConfigError);
    await expect(lost.read('k')).rejects.toThrow(/Bucket "no-such-bucket-stowage" does not exist/);
    await expect(lost.write('k', streamOf(Buffer.from('x')))).rejects.toThrow(InvalidConfigError);
    await expect(listAll(lost.list())).rejects.toThrow(/no-such-bucket-stowage/);
  });

  it('answers NotFoundError for a missing key on every operation', async () => {
    for (const attempt of [
      () => driver.read('missing'),
      () => driver.read('missing', { range: { start: 0 } }),
      () => driver.stat('missing'),
      () => driver.copy('missing', 'elsewhere'),
      () => driver.move('missing', 'elsewhere'),
    ]) {
      await expect(attempt()).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it('probes read-write under the reserved folder, leaving nothing, and read-only', async () => {
    expect(hasHealthProbe(driver)).toBe(true);
    expect(await driver.probe()).toMatchObject({ ok: true, mode: 'read-write' });
    const readOnly = driverOn(bucket.name, { healthCheck: 'read-only' });
    expect(await readOnly.probe()).toMatchObject({ ok: true, mode: 'read-only' });
    expect(await listAll(driverOn(bucket.name, { root: 'r/.stowage' }).list('health/'))).toEqual([]);
  });

  it('presigns reads and writes', async () => {
    expect(hasPresignedUrls(driver)).toBe(true);
    const put = await fetch(
      await driver.presignWrite('presigned', { expiresIn: 60, contentType: 'text/plain' }),
      {
        method: 'PUT',
        body: 'via url',
        headers: { 'content-type': 'text/plain' },
      },
    );
    expect(put.status).toBe(200);
    expect(await driver.stat('presigned')).toMatchObject({ size: 7, contentType: 'text/plain' });
    expect(await (await fetch(await driver.presignRead('presigned', { expiresIn: 60 }))).text()).toBe(
      'via url',
    );
  });

  it('copies server-side from another bucket on the same server', async () => {
    const other = await createTestBucket(server!, 'copy-from');
    try {
      const source = driverOn(other.bucket, { root: 'src' });
      await source.write('file', streamOf(Buffer.from('across')), { contentType: 'text/plain' });
      expect(hasServerSideCopy(driver) && driver.canCopyFrom(source)).toBe(true);
      await driver.copyFrom(source, 'file', 'from-other');
      expect(await driver.stat('from-other')).toMatchObject({ size: 6, contentType: 'text/plain' });
      expect(driver.canCopyFrom(driverOn(other.bucket, { secret: 'other' }))).toBe(false);
      expect(
        driver.canCopyFrom(
          new S3Driver({ ...serverOptions(server!, other.bucket), endpoint: 'http://127.0.0.2:1' }),
        ),
      ).toBe(false);
    } finally {
      await other.remove();
    }
  });
});
