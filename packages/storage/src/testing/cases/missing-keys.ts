import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../errors.js';
import type { ConformanceContext } from '../context.js';
import { readText, writeContent } from '../io.js';

async function expectNotFound(operation: Promise<unknown>, key: string): Promise<void> {
  const error = await operation.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(NotFoundError);
  expect((error as NotFoundError).key).toBe(key);
}

export function describeMissingKeys(context: ConformanceContext): void {
  describe('missing keys', () => {
    it('read, stat, copy and move of a missing key throw NotFoundError naming it; exists is false', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      const missing = `${prefix}missing.txt`;
      await expectNotFound(driver.read(missing), missing);
      await expectNotFound(driver.read(missing, { range: { start: 0, end: 1 } }), missing);
      await expectNotFound(driver.stat(missing), missing);
      await expectNotFound(driver.copy(missing, `${prefix}copy.txt`), missing);
      await expectNotFound(driver.move(missing, `${prefix}moved.txt`), missing);
      expect(await driver.exists(missing)).toBe(false);
      expect(await driver.exists(`${prefix}copy.txt`)).toBe(false);
      expect(await driver.exists(`${prefix}moved.txt`)).toBe(false);
    });

    it('a failed copy or move leaves an existing destination untouched', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}destination.txt`, 'keep me');
      await expect(driver.copy(`${prefix}missing`, `${prefix}destination.txt`)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(driver.move(`${prefix}missing`, `${prefix}destination.txt`)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await readText(driver, `${prefix}destination.txt`)).toBe('keep me');
    });

    it('a folder is not a file: its key is not found', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}folder/file.txt`, 'inside');
      const folder = `${prefix}folder`;
      expect(await driver.exists(folder)).toBe(false);
      await expectNotFound(driver.read(folder), folder);
      await expectNotFound(driver.stat(folder), folder);
      await expectNotFound(driver.copy(folder, `${prefix}copy`), folder);
      await driver.delete(folder);
      expect(await readText(driver, `${prefix}folder/file.txt`)).toBe('inside');
    });

    it('a key below a file is not found', async () => {
      const { driver } = context;
      const prefix = context.prefix();
      await writeContent(driver, `${prefix}plain.txt`, 'a file');
      const below = `${prefix}plain.txt/child`;
      expect(await driver.exists(below)).toBe(false);
      await expectNotFound(driver.read(below), below);
      await expectNotFound(driver.stat(below), below);
    });
  });
}
