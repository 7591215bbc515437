import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ForbiddenError, InvalidKeyError } from '@stowage/storage';
import { listAll, streamOf, streamToBuffer } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/index.js';
import { tempFolder } from './temp-folders.js';

/** A root inside a folder that also holds a file outside the root, and a symlink from the root to the outside. */
async function rootBesideOutside() {
  const parent = await tempFolder();
  const root = join(parent, 'root');
  const outside = join(parent, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await symlink(outside, join(root, 'escape'));
  await symlink(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
  return { parent, root, outside, driver: new LocalDriver({ root }) };
}

describe('LocalDriver root containment', () => {
  it('refuses keys whose path would climb out, writing nothing beside the root', async () => {
    const { parent, outside, driver } = await rootBesideOutside();
    for (const key of ['../x', 'a/../../x', '/abs', '..', `../outside/secret.txt`]) {
      await expect(driver.write(key, streamOf('x'))).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(driver.read(key)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(driver.delete(key)).rejects.toBeInstanceOf(InvalidKeyError);
    }
    expect((await readdir(parent)).sort()).toEqual(['outside', 'root']);
    expect(await readdir(outside)).toEqual(['secret.txt']);
  });

  it('refuses (ForbiddenError) to follow a symbolic link inside the root that points outside', async () => {
    const { outside, driver } = await rootBesideOutside();
    const forbidden = (operation: () => Promise<unknown>) =>
      expect(operation()).rejects.toBeInstanceOf(ForbiddenError);
    await forbidden(() => driver.read('escape/secret.txt'));
    await forbidden(() => driver.read('secret-link.txt'));
    await forbidden(() => driver.stat('escape/secret.txt'));
    await forbidden(() => driver.exists('escape/secret.txt'));
    await forbidden(() => driver.write('escape/planted.txt', streamOf('x')));
    await forbidden(() => driver.write('escape/new/deep/planted.txt', streamOf('x')));
    await forbidden(() => driver.copy('escape/secret.txt', 'stolen.txt'));
    await forbidden(() => driver.move('escape/secret.txt', 'stolen.txt'));
    await forbidden(() => driver.delete('escape/secret.txt'));
    await forbidden(() => listAll(driver.list('escape/')));

    expect(await listAll(driver.list())).toEqual([]);
    expect(await readdir(outside)).toEqual(['secret.txt']);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('follows symbolic links that stay inside the root', async () => {
    const root = await tempFolder();
    const driver = new LocalDriver({ root });
    await driver.write('real/file.txt', streamOf('inside'));
    await symlink(join(root, 'real', 'file.txt'), join(root, 'alias.txt'));
    expect((await streamToBuffer(await driver.read('alias.txt'))).toString()).toBe('inside');
    expect(await listAll(driver.list())).toEqual(['alias.txt', 'real/file.txt']);
  });
});
