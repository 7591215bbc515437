import { describe, expect, it } from 'vitest';
import { InvalidKeyError } from '../../errors.js';
import { RESERVED_FOLDER } from '../../keys.js';
import type { ConformanceContext } from '../context.js';
import { readText, writeContent } from '../io.js';
import { listAll } from '../listing.js';
import { streamOf } from '../streams.js';

/** Keys that could escape the location, that not every backend can store, or that name reserved state. */
const refusedKeys = [
  '../x',
  'a/../../x',
  '/abs',
  'a\\b',
  'nul\0',
  'a//b',
  './x',
  'a/./b',
  '..',
  `${RESERVED_FOLDER}/x`,
  RESERVED_FOLDER,
  '',
  'dir/',
];

/** Refused whatever precedes them, so they can sit under a case's prefix to check nothing got written. */
const refusedSuffixes = ['../x', '../../escaped', 'a/../../x', 'a\\b', 'nul\0', 'a//b', './x', 'dir/', ''];

const refusedPrefixes = ['../x', 'a/../../x', '/abs', 'a\\b', 'nul\0', 'a//b', '..', 'a/./'];

const invalidKey = (operation: () => Promise<unknown>) =>
  expect(operation()).rejects.toBeInstanceOf(InvalidKeyError);

export function describeRefusedKeys(context: ConformanceContext): void {
  describe('refused keys', () => {
    it.each(refusedKeys.map((key) => [JSON.stringify(key), key]))(
      'every method refuses %s with InvalidKeyError',
      async (_, bad) => {
        const { driver } = context;
        const good = `${context.prefix()}good.txt`;
        await writeContent(driver, good, 'valid');
        await invalidKey(() => driver.read(bad));
        await invalidKey(() => driver.write(bad, streamOf('x')));
        await invalidKey(() => driver.stat(bad));
        await invalidKey(() => driver.exists(bad));
        await invalidKey(() => driver.copy(bad, good));
        await invalidKey(() => driver.copy(good, bad));
        await invalidKey(() => driver.move(bad, good));
        await invalidKey(() => driver.move(good, bad));
        await invalidKey(() => driver.delete(bad));
        expect(await readText(driver, good)).toBe('valid');
      },
    );

    it('writes, copies and moves to refused keys store nothing', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      const good = `${prefix}inner/good.txt`;
      await writeContent(driver, good, 'valid');
      for (const suffix of refusedSuffixes) {
        const bad = `${prefix}inner/${suffix}`;
        await invalidKey(() => driver.write(bad, streamOf('x')));
        await invalidKey(() => driver.copy(good, bad));
        await invalidKey(() => driver.move(good, bad));
      }
      expect(await listAll(driver.list(prefix))).toEqual([good]);
    });

    it.each(refusedPrefixes.map((prefix) => [JSON.stringify(prefix), prefix]))(
      'list refuses the prefix %s with InvalidKeyError',
      async (_, bad) => {
        await invalidKey(async () => listAll(context.driver.list(bad)));
      },
    );

    it(`never lists the reserved ${RESERVED_FOLDER}/ folder`, async () => {
      const { driver } = context;
      await writeContent(driver, `${context.prefix()}something.txt`, 'so that the driver has state');
      for (const prefix of [`${RESERVED_FOLDER}/`, RESERVED_FOLDER, '.st', `${RESERVED_FOLDER}/tmp/`]) {
        const keys = await listAll(driver.list(prefix));
        expect(
          keys.filter((key) => key === RESERVED_FOLDER || key.startsWith(`${RESERVED_FOLDER}/`)),
        ).toEqual([]);
      }
    });
  });
}
