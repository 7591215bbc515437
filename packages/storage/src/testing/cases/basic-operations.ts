import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../errors.js';
import type { ConformanceContext } from '../context.js';
import { readText, writeContent } from '../io.js';
import { randomStream } from '../streams.js';

export function describeBasicOperations(context: ConformanceContext): void {
  describe('write, read, copy, move, delete', () => {
    it('reads back what was written, and exists says so', async () => {
      const { driver } = context;
      const key = `${context.prefix()}hello.txt`;
      await writeContent(driver, key, 'hello, world');
      expect(await readText(driver, key)).toBe('hello, world');
      expect(await driver.exists(key)).toBe(true);
    });

    it('creates the missing parent folders of a deep key', async () => {
      const { driver } = context;
      const key = `${context.prefix()}a/b/c/d/e/f.txt`;
      await writeContent(driver, key, 'deep');
      expect(await readText(driver, key)).toBe('deep');
    });

    it('overwrites a file entirely, a shorter content leaving no trailing bytes', async () => {
      const { driver } = context;
      const key = `${context.prefix()}file.txt`;
      await writeContent(driver, key, 'a rather long first version');
      await writeContent(driver, key, 'short');
      expect(await readText(driver, key)).toBe('short');
    });

    it('copies a file, leaving the source as it was', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}source.txt`, 'original');
      await driver.copy(`${prefix}source.txt`, `${prefix}copy/of/source.txt`);
      expect(await readText(driver, `${prefix}copy/of/source.txt`)).toBe('original');
      expect(await readText(driver, `${prefix}source.txt`)).toBe('original');
    });

    it('copies onto an existing file, replacing it; the copy is independent of the source', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}source.txt`, 'new content');
      await writeContent(driver, `${prefix}destination.txt`, 'old content, longer than the new one');
      await driver.copy(`${prefix}source.txt`, `${prefix}destination.txt`);
      await writeContent(driver, `${prefix}source.txt`, 'changed afterwards');
      expect(await readText(driver, `${prefix}destination.txt`)).toBe('new content');
    });

    it('moves a file: the destination has the content, the source is gone', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}from/file.txt`, 'moving');
      await driver.move(`${prefix}from/file.txt`, `${prefix}to/file.txt`);
      expect(await readText(driver, `${prefix}to/file.txt`)).toBe('moving');
      expect(await driver.exists(`${prefix}from/file.txt`)).toBe(false);
      await expect(driver.read(`${prefix}from/file.txt`)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('moves onto an existing file, replacing it', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}source.txt`, 'winner');
      await writeContent(driver, `${prefix}destination.txt`, 'loser, with more bytes');
      await driver.move(`${prefix}source.txt`, `${prefix}destination.txt`);
      expect(await readText(driver, `${prefix}destination.txt`)).toBe('winner');
      expect(await driver.exists(`${prefix}source.txt`)).toBe(false);
    });

    it('deletes a file; deleting it again, or a key never written, is fine', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}doomed.txt`, 'bye');
      await driver.delete(`${prefix}doomed.txt`);
      expect(await driver.exists(`${prefix}doomed.txt`)).toBe(false);
      await driver.delete(`${prefix}doomed.txt`);
      await driver.delete(`${prefix}never/written.txt`);
    });

    it('deleting one file keeps its siblings and its folder usable', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}dir/one.txt`, '1');
      await writeContent(driver, `${prefix}dir/two.txt`, '2');
      await driver.delete(`${prefix}dir/one.txt`);
      expect(await readText(driver, `${prefix}dir/two.txt`)).toBe('2');
      await driver.delete(`${prefix}dir/two.txt`);
      await writeContent(driver, `${prefix}dir/three.txt`, '3');
      expect(await readText(driver, `${prefix}dir/three.txt`)).toBe('3');
    });

    it('aborting a read destroys the stream', async () => {
      const { driver } = context;
      const key = `${context.prefix()}abort-me.bin`;
      await driver.write(key, randomStream(1024 * 1024, 'abort-read'));
      const controller = new AbortController();
      const stream = await driver.read(key, { signal: controller.signal });
      const closed = new Promise((resolve) => stream.once('close', resolve));
      stream.on('error', () => {});
      controller.abort();
      await closed;
      expect(stream.destroyed).toBe(true);
    });
  });
}
