import { listAll, randomBuffer, streamOf, streamToBuffer } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import {
  keyOf,
  startLocalTus,
  terminateWithClient,
  tusRequest,
  uploadFirstChunk,
  uploadWithClient,
} from './harness.js';

const CHUNK = 16 * 1024;

describe('LocalTusDriver: termination', () => {
  it('of an unfinished upload removes its bytes and record; the upload is then gone', async () => {
    const { driver, server, uploads } = await startLocalTus();
    const url = await uploadFirstChunk(randomBuffer(3 * CHUNK), {
      endpoint: server.endpoint,
      chunkSize: CHUNK,
    });
    await terminateWithClient(url);

    expect(await uploads()).toEqual([]);
    expect(await driver.exists(keyOf(url))).toBe(false);
    expect((await tusRequest(url, 'HEAD')).status).toBe(404);
    const patch = await tusRequest(
      url,
      'PATCH',
      { 'Upload-Offset': String(CHUNK), 'Content-Type': 'application/offset+octet-stream' },
      Buffer.alloc(1),
    );
    expect(patch.status).toBe(404);
  });

  it('of a finished upload deletes its file; a repeat answers 404 and leaves a new file at the key alone', async () => {
    const { driver, server, uploads } = await startLocalTus();
    const url = await uploadWithClient(randomBuffer(2 * CHUNK), {
      endpoint: server.endpoint,
      chunkSize: CHUNK,
    });
    await terminateWithClient(url);

    expect(await driver.exists(keyOf(url))).toBe(false);
    expect(await uploads()).toEqual([]);

    await driver.write(keyOf(url), streamOf('written later'));
    expect((await tusRequest(url, 'DELETE')).status).toBe(404);
    expect((await streamToBuffer(await driver.read(keyOf(url)))).toString()).toBe('written later');
    expect(await listAll(driver.list())).toEqual([keyOf(url)]);
  });

  it('of an upload that never existed answers 404', async () => {
    const { server } = await startLocalTus();
    expect((await tusRequest(`${server.endpoint}/unknown.bin`, 'DELETE')).status).toBe(404);
    expect((await tusRequest(`${server.endpoint}/.stowage`, 'HEAD')).status).toBe(404);
  });
});
