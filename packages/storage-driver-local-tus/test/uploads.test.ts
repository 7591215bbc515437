import { listAll, randomBuffer, sha256OfStream } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import { LocalTusDriver } from '../src/index.js';
import {
  keyOf,
  sha256,
  startLocalTus,
  startTusServer,
  tusRequest,
  uploadFirstChunk,
  uploadWithClient,
} from './harness.js';

const CHUNK = 16 * 1024;

async function expectStored(driver: LocalTusDriver, url: string, data: Buffer) {
  const key = keyOf(url);
  expect(key).toMatch(/^[0-9a-f-]{36}\.bin$/);
  expect((await driver.stat(key)).size).toBe(data.length);
  expect(await sha256OfStream(await driver.read(key))).toBe(sha256(data));
}

describe('LocalTusDriver: uploads land at the key once complete', () => {
  it.each([
    ['0 bytes', 0],
    ['1 byte', 1],
    ['several chunks', 5 * CHUNK + 123],
  ])('%s', async (_, size) => {
    const { driver, server } = await startLocalTus();
    const data = randomBuffer(size, size);
    const url = await uploadWithClient(data, { endpoint: server.endpoint, chunkSize: CHUNK });
    await expectStored(driver, url, data);
    expect(await listAll(driver.list())).toEqual([keyOf(url)]);
  });

  it('with a deferred length, declared by the last chunk', async () => {
    const { driver, server } = await startLocalTus();
    const data = randomBuffer(3 * CHUNK + 7, 'deferred');
    const url = await uploadWithClient(data, {
      endpoint: server.endpoint,
      chunkSize: CHUNK,
      uploadLengthDeferred: true,
    });
    await expectStored(driver, url, data);
  });

  it.each([
    ['in one request', Number.POSITIVE_INFINITY],
    ['then the rest in chunks', CHUNK],
  ])('with creation-with-upload, %s', async (_, chunkSize) => {
    const { driver, server } = await startLocalTus();
    const data = randomBuffer(2 * CHUNK + 5, 'with-upload');
    const url = await uploadWithClient(data, {
      endpoint: server.endpoint,
      chunkSize,
      uploadDataDuringCreation: true,
    });
    await expectStored(driver, url, data);
  });

  it('keeps an unfinished upload out of list and exists, then resumes it after the client aborted', async () => {
    const { driver, server, uploads } = await startLocalTus();
    const data = randomBuffer(4 * CHUNK, 'resume');
    const url = await uploadFirstChunk(data, { endpoint: server.endpoint, chunkSize: CHUNK });

    expect(await driver.exists(keyOf(url))).toBe(false);
    expect(await listAll(driver.list())).toEqual([]);
    expect(await uploads()).toEqual([`${keyOf(url)}.json`, `${keyOf(url)}.part`]);
    const head = await tusRequest(url, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(CHUNK));
    expect(head.headers.get('upload-length')).toBe(String(data.length));

    await uploadWithClient(data, { uploadUrl: url, chunkSize: CHUNK });
    await expectStored(driver, url, data);
    // The finished upload still answers HEAD, with its whole length.
    expect((await tusRequest(url, 'HEAD')).headers.get('upload-offset')).toBe(String(data.length));
    expect(await uploads()).toEqual([`${keyOf(url)}.json`]);
  });

  it('resumes with a new driver and store over the same root (a restart)', async () => {
    const { root, server } = await startLocalTus();
    const data = randomBuffer(3 * CHUNK + 1, 'restart');
    const firstUrl = await uploadFirstChunk(data, {
      endpoint: server.endpoint,
      chunkSize: CHUNK,
      metadata: { filename: 'a.bin' },
    });
    await server.close();

    const restarted = new LocalTusDriver({ root });
    const nextServer = await startTusServer(restarted.createResumableUploadStore());
    const url = `${nextServer.endpoint}/${keyOf(firstUrl)}`;
    const head = await tusRequest(url, 'HEAD');
    expect(head.headers.get('upload-offset')).toBe(String(CHUNK));
    expect(head.headers.get('upload-metadata')).toBe(`filename ${Buffer.from('a.bin').toString('base64')}`);

    await uploadWithClient(data, { uploadUrl: url, chunkSize: CHUNK });
    await expectStored(restarted, url, data);
  });
});
