import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { readText, writeContent } from '../io.js';
import { listAll, sortKeys } from '../listing.js';

/** Keys that URL encoding, request signing or path handling commonly get wrong. */
const keys = [
  'with space.txt',
  'two  spaces and trailing .txt',
  'café.txt',
  '日本/語.txt',
  'emoji-😀.txt',
  'a+b.txt',
  'question?.txt',
  'hash#tag.txt',
  'per%cent.txt',
  '%20already-encoded%2F.txt',
  'a&b=c.txt',
  "special-!$'()*,;:@~.txt",
  'a/b/c/d/e/f.txt',
];

export function describeKeyCharacters(context: ConformanceContext): void {
  describe('key characters', () => {
    it('round-trips unusual keys through write, read, stat, list, copy and delete', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      for (const key of keys) await writeContent(driver, `${prefix}${key}`, key);

      for (const key of keys) {
        expect(await readText(driver, `${prefix}${key}`)).toBe(key);
        expect((await driver.stat(`${prefix}${key}`)).size).toBe(Buffer.byteLength(key));
        expect(await driver.exists(`${prefix}${key}`)).toBe(true);
      }
      expect(await listAll(driver.list(prefix))).toEqual(sortKeys(keys.map((key) => `${prefix}${key}`)));

      for (const key of keys) {
        await driver.copy(`${prefix}${key}`, `${prefix}copies/${key}`);
        expect(await readText(driver, `${prefix}copies/${key}`)).toBe(key);
        await driver.delete(`${prefix}${key}`);
        expect(await driver.exists(`${prefix}${key}`)).toBe(false);
      }
      expect(await listAll(driver.list(prefix))).toEqual(
        sortKeys(keys.map((key) => `${prefix}copies/${key}`)),
      );
    });
  });
}
