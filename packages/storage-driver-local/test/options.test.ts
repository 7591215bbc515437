import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriverClass } from '@stowage/storage';
import { streamOf } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import LocalDriverDefault, { LocalDriver, type LocalDriverOptions } from '../src/index.js';
import { tempFolder } from './temp-folders.js';

describe('LocalDriver options', () => {
  it('is the default export, a DriverClass', () => {
    const driverClass: DriverClass<LocalDriverOptions, LocalDriver> = LocalDriverDefault;
    expect(driverClass).toBe(LocalDriver);
  });

  it('takes a non-empty root and nothing else', () => {
    expect(LocalDriver.optionsSchema.parse({ root: '/srv/files' })).toEqual({ root: '/srv/files' });
    expect(() => LocalDriver.optionsSchema.parse({})).toThrow();
    expect(() => LocalDriver.optionsSchema.parse({ root: '' })).toThrow();
    expect(() => LocalDriver.optionsSchema.parse({ root: '/srv', rot: 'typo' })).toThrow();
  });

  it('creates a missing root, parents included, on first use', async () => {
    const root = join(await tempFolder(), 'not', 'yet', 'there');
    await new LocalDriver({ root }).write('file.txt', streamOf('x'));
    expect((await stat(join(root, 'file.txt'))).isFile()).toBe(true);
  });
});
