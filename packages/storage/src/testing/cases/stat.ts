import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { writeContent } from '../io.js';

const CLOCK_TOLERANCE_MS = 5 * 60_000;

export function describeStat(context: ConformanceContext): void {
  describe('stat', () => {
    it('reports the size, a recent modification date and an etag', async () => {
      const { driver } = context;
      const key = `${context.prefix()}sized.txt`;
      await writeContent(driver, key, 'twelve bytes');
      const stat = await driver.stat(key);
      expect(stat.size).toBe(12);
      expect(stat.modified).toBeInstanceOf(Date);
      expect(Math.abs(stat.modified.getTime() - Date.now())).toBeLessThan(CLOCK_TOLERANCE_MS);
      expect(typeof stat.etag).toBe('string');
      expect(stat.etag).not.toBe('');
      expect(stat.etag).not.toMatch(/^"|"$/);
    });

    it('keeps the etag while the file is unchanged, and changes it with the content (same size)', async () => {
      const { driver } = context;
      const key = `${context.prefix()}versioned.txt`;
      await writeContent(driver, key, 'version 1');
      const first = await driver.stat(key);
      expect((await driver.stat(key)).etag).toBe(first.etag);
      await writeContent(driver, key, 'version 2');
      const second = await driver.stat(key);
      expect(second.size).toBe(first.size);
      expect(second.etag).not.toBe(first.etag);
    });

    it('reports the content type given on write, also on a copy', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}page.html`, '<p>hi</p>', {
        contentType: 'text/html; charset=utf-8',
      });
      await driver.copy(`${prefix}page.html`, `${prefix}copy.html`);
      for (const key of [`${prefix}page.html`, `${prefix}copy.html`]) {
        const { contentType } = await driver.stat(key);
        if (context.options.storesContentType) expect(contentType).toBe('text/html; charset=utf-8');
        else expect(contentType).toBeUndefined();
      }
    });
  });
}
