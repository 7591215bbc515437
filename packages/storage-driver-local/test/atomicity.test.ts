import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { failingStream, listAll, randomBuffer, randomStream, streamToBuffer } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/index.js';
import { tempFolder } from './temp-folders.js';

const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');
const tempFilesIn = (root: string) => readdir(join(root, '.stowage', 'tmp'));

describe('LocalDriver atomic writes', () => {
  it('concurrent writers and readers: every read and the final file are one whole version', async () => {
    const driver = new LocalDriver({ root: await tempFolder() });
    const size = 512 * 1024;
    const seeds = Array.from({ length: 8 }, (_, i) => `writer-${i}`);
    const versions = new Set(seeds.map((seed) => sha256(randomBuffer(size, seed))));
    await driver.write('contested.bin', randomStream(size, 'initial'));
    versions.add(sha256(randomBuffer(size, 'initial')));

    let writing = true;
    const reads: string[] = [];
    const reader = (async () => {
      while (writing) reads.push(sha256(await streamToBuffer(await driver.read('contested.bin'))));
    })();
    for (let round = 0; round < 3; round++) {
      await Promise.all(seeds.map((seed) => driver.write('contested.bin', randomStream(size, seed))));
    }
    writing = false;
    await reader;

    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) expect(versions).toContain(read);
    expect(versions).toContain(sha256(await streamToBuffer(await driver.read('contested.bin'))));
    expect(await tempFilesIn(driver.options.root)).toEqual([]);
  });

  it('a failed or aborted write rethrows the source failure and leaves no temporary file behind', async () => {
    const root = await tempFolder();
    const driver = new LocalDriver({ root });
    const sourceFailure = new Error('The client hung up');
    await expect(driver.write('failed.bin', failingStream(300_000, sourceFailure))).rejects.toBe(
      sourceFailure,
    );

    const controller = new AbortController();
    const body = new PassThrough();
    body.write(randomBuffer(100_000, 'aborted'));
    const aborted = driver.write('aborted.bin', body, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(aborted).rejects.toThrow();

    expect(await tempFilesIn(root)).toEqual([]);
    expect(await listAll(driver.list())).toEqual([]);
  });

  it('a write in flight is invisible: not listed, not readable', async () => {
    const driver = new LocalDriver({ root: await tempFolder() });
    const body = new PassThrough();
    body.write(randomBuffer(100_000, 'in-flight'));
    const writing = driver.write('later.bin', body);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await driver.exists('later.bin')).toBe(false);
    expect(await listAll(driver.list())).toEqual([]);
    body.end();
    await writing;
    expect(await listAll(driver.list())).toEqual(['later.bin']);
  });
});
