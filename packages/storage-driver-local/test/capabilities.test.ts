import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Driver, hasHealthProbe, hasServerSideCopy, NotFoundError } from '@stowage/storage';
import { streamOf, streamToBuffer } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/index.js';
import { tempFolder } from './temp-folders.js';

describe('LocalDriver health probe', () => {
  it('writes, reads back and deletes a probe file, leaving nothing', async () => {
    const root = await tempFolder();
    const driver = new LocalDriver({ root });
    expect(hasHealthProbe(driver)).toBe(true);
    const report = await driver.probe();
    expect(report).toMatchObject({ ok: true, mode: 'read-write' });
    expect(report.latencyMs).toBeGreaterThanOrEqual(0);
    expect(await readdir(join(root, '.stowage'))).toEqual(['tmp']);
  });

  it('reports a root it cannot use instead of throwing', async () => {
    const parent = await tempFolder();
    await writeFile(join(parent, 'not-a-folder'), 'a file where the root should go');
    const driver = new LocalDriver({ root: join(parent, 'not-a-folder', 'root') });
    const report = await driver.probe();
    expect(report.ok).toBe(false);
    expect(report.error).toContain('not-a-folder');
  });
});

describe('LocalDriver server-side copy', () => {
  it('copies from another local location', async () => {
    const source = new LocalDriver({ root: await tempFolder() });
    const destination = new LocalDriver({ root: await tempFolder() });
    expect(hasServerSideCopy(destination)).toBe(true);
    expect(destination.canCopyFrom(source)).toBe(true);
    await source.write('from/here.txt', streamOf('travelling'));
    await destination.copyFrom(source, 'from/here.txt', 'to/there.txt');
    expect((await streamToBuffer(await destination.read('to/there.txt'))).toString()).toBe('travelling');
    expect(await source.exists('from/here.txt')).toBe(true);
    await expect(destination.copyFrom(source, 'missing.txt', 'x.txt')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('says no to other drivers', async () => {
    const destination = new LocalDriver({ root: await tempFolder() });
    const other = { read: async () => streamOf('') } as unknown as Driver;
    expect(destination.canCopyFrom(other)).toBe(false);
  });
});
