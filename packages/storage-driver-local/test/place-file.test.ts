import { readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeFile } from '../src/place-file.js';
import { tempFolder } from './temp-folders.js';

describe('placeFile', () => {
  it('lands even when concurrent deletes prune the destination folder meanwhile', async () => {
    const root = await tempFolder();
    const folder = join(root, 'a', 'b');
    // What a few concurrent deletes of the folder's last files do: each prunes it once.
    const prunes = (count: number) =>
      Promise.all(Array.from({ length: count }, () => rmdir(folder).catch(() => {})));
    for (let i = 0; i < 300; i++) {
      const source = join(root, `source-${i}`);
      await writeFile(source, `${i}`);
      await Promise.all([placeFile(source, join(folder, 'file')), prunes(3)]);
      expect(await readFile(join(folder, 'file'), 'utf8')).toBe(`${i}`);
      await unlink(join(folder, 'file'));
    }
  });
});
