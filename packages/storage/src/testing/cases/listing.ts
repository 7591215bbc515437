import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { SLOW_TEST_TIMEOUT } from '../context.js';
import { writeContent } from '../io.js';
import { forEachConcurrently, listAll, sortKeys } from '../listing.js';

/**
 * Names whose byte order differs from naive orders: "-" and "." sort before "/", so a
 * walk that lists a folder before its sibling files gets them wrong; "ｚ" (U+FF5A)
 * sorts before "😀" in UTF-8 but after it in UTF-16.
 */
const orderingNames = ['a-c', 'a.txt', 'a/b', 'a0', 'A', 'B/x', 'é', 'ｚ', '😀', 'z z', 'a!'];

const MANY = 2500;
const manyKey = (i: number) => `many/${i % 10}/${String(i).padStart(4, '0')}`;

export function describeListing(context: ConformanceContext): void {
  describe('list', () => {
    it('lists every key under the prefix, recursively, sorted by UTF-8 bytes, the same each time', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      for (const name of orderingNames) await writeContent(driver, `${prefix}${name}`, name);
      const expected = sortKeys(orderingNames.map((name) => `${prefix}${name}`));
      expect(await listAll(driver.list(prefix))).toEqual(expected);
      expect(await listAll(driver.list(prefix))).toEqual(expected);
    });

    it('filters by prefix: a folder, a partial segment, a bare name', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      const names = ['dir/file1', 'dir/fi/x', 'dir/final', 'dir/f', 'dir/other', 'dirt/x', 'di'];
      for (const name of names) await writeContent(driver, `${prefix}${name}`, name);
      const list = async (sub: string) =>
        (await listAll(driver.list(`${prefix}${sub}`))).map((key) => key.slice(prefix.length));

      expect(await list('dir/fi')).toEqual(['dir/fi/x', 'dir/file1', 'dir/final']);
      expect(await list('dir/')).toEqual(['dir/f', 'dir/fi/x', 'dir/file1', 'dir/final', 'dir/other']);
      expect(await list('dir')).toEqual([
        'dir/f',
        'dir/fi/x',
        'dir/file1',
        'dir/final',
        'dir/other',
        'dirt/x',
      ]);
      expect(await list('dir/fi/x')).toEqual(['dir/fi/x']);
      expect(await list('nothing')).toEqual([]);
      expect(await list('dir/nothing/')).toEqual([]);
    });

    it(
      `lists ${MANY} keys across pages`,
      async () => {
        const { driver } = context;
        const prefix = context.prefix();
        const keys = Array.from({ length: MANY }, (_, i) => `${prefix}${manyKey(i)}`);
        await forEachConcurrently(keys, 16, (key) => writeContent(driver, key, key.slice(-4)));

        expect(await listAll(driver.list(prefix))).toEqual(sortKeys(keys));
        expect(await listAll(driver.list(`${prefix}many/3/`))).toEqual(
          sortKeys(keys.filter((key) => key.startsWith(`${prefix}many/3/`))),
        );
        expect(await listAll(driver.list(`${prefix}many/3/01`))).toEqual(
          Array.from({ length: 10 }, (_, i) => `${prefix}many/3/01${i}3`),
        );
      },
      SLOW_TEST_TIMEOUT,
    );
  });
}
