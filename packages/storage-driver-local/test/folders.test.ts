import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '@stowage/storage';
import { listAll, streamOf, streamToBuffer } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/index.js';
import { tempFolder } from './temp-folders.js';

const text = async (driver: LocalDriver, key: string) =>
  (await streamToBuffer(await driver.read(key))).toString();

describe('LocalDriver folders', () => {
  it('refuses with ConflictError a file where a folder is, or a folder where a file is', async () => {
    const driver = new LocalDriver({ root: await tempFolder() });
    await driver.write('folder/inner.txt', streamOf('inner'));
    await driver.write('file.txt', streamOf('file'));

    const conflict = (operation: () => Promise<unknown>) =>
      expect(operation()).rejects.toBeInstanceOf(ConflictError);
    await conflict(() => driver.write('folder', streamOf('x')));
    await conflict(() => driver.write('file.txt/below', streamOf('x')));
    await conflict(() => driver.copy('file.txt', 'folder'));
    await conflict(() => driver.move('file.txt', 'folder'));
    await conflict(() => driver.copy('folder/inner.txt', 'file.txt/below'));

    expect(await text(driver, 'file.txt')).toBe('file');
    expect(await text(driver, 'folder/inner.txt')).toBe('inner');
    expect(await readdir(join(driver.options.root, '.stowage', 'tmp'))).toEqual([]);
  });

  it('removes the folders a delete or move leaves empty, up to the root, and no others', async () => {
    const root = await tempFolder();
    const driver = new LocalDriver({ root });
    await driver.write('a/b/c/one.txt', streamOf('1'));
    await driver.write('a/two.txt', streamOf('2'));
    await driver.write('x/y/moving.txt', streamOf('3'));

    await driver.delete('a/b/c/one.txt');
    await driver.move('x/y/moving.txt', 'moved.txt');
    expect((await readdir(root)).sort()).toEqual(['.stowage', 'a', 'moved.txt']);
    expect(await readdir(join(root, 'a'))).toEqual(['two.txt']);

    await driver.delete('a/two.txt');
    await driver.delete('moved.txt');
    expect(await readdir(root)).toEqual(['.stowage']);
  });

  it('lists files only, never the reserved folder, skipping names no key can have', async () => {
    const root = await tempFolder();
    const driver = new LocalDriver({ root });
    await driver.write('kept.txt', streamOf('x'));
    await mkdir(join(root, '.stowage', 'tus'));
    await writeFile(join(root, '.stowage', 'tus', 'upload.json'), 'state kept by resumable uploads');
    await writeFile(join(root, 'back\\slash.txt'), 'made by another program');
    expect(await listAll(driver.list())).toEqual(['kept.txt']);
    for (const prefix of ['.stowage/', '.stowage/tus/', '.stowage', '.st']) {
      expect(await listAll(driver.list(prefix))).toEqual([]);
    }
  });
});
