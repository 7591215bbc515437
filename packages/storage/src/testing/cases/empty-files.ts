import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { readContent, writeContent } from '../io.js';
import { listAll } from '../listing.js';

export function describeEmptyFiles(context: ConformanceContext): void {
  describe('empty files', () => {
    it('writes, reads, stats, lists, copies and moves a file of 0 bytes', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}empty`, Buffer.alloc(0));
      expect(await readContent(driver, `${prefix}empty`)).toHaveLength(0);
      expect((await driver.stat(`${prefix}empty`)).size).toBe(0);
      expect(await driver.exists(`${prefix}empty`)).toBe(true);

      await driver.copy(`${prefix}empty`, `${prefix}copy`);
      expect(await readContent(driver, `${prefix}copy`)).toHaveLength(0);
      await driver.move(`${prefix}copy`, `${prefix}moved`);
      expect((await driver.stat(`${prefix}moved`)).size).toBe(0);
      expect(await listAll(driver.list(prefix))).toEqual([`${prefix}empty`, `${prefix}moved`]);
    });
  });
}
