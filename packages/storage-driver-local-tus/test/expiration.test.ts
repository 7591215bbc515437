import { setTimeout as sleep } from 'node:timers/promises';
import { randomBuffer, sha256OfStream } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import { keyOf, sha256, startLocalTus, tusRequest, uploadFirstChunk, uploadWithClient } from './harness.js';

const CHUNK = 16 * 1024;
const EXPIRATION_MS = 1500;

describe('LocalTusDriver: expiration', () => {
  it('announces Upload-Expires, refuses expired uploads with 410 and deleteExpired removes only unfinished ones', async () => {
    const { driver, store, server, uploads } = await startLocalTus({ expiration: EXPIRATION_MS });

    const creation = await tusRequest(server.endpoint, 'POST', { 'Upload-Length': '10' });
    expect(creation.status).toBe(201);
    expect(Date.parse(creation.headers.get('upload-expires')!)).toBeGreaterThan(Date.now() - 1000);

    const finishedData = randomBuffer(CHUNK, 'finished');
    const finished = await uploadWithClient(finishedData, { endpoint: server.endpoint, chunkSize: CHUNK });
    const unfinished = await uploadFirstChunk(randomBuffer(2 * CHUNK), {
      endpoint: server.endpoint,
      chunkSize: CHUNK,
    });
    expect(await store.deleteExpired()).toBe(0);

    await sleep(EXPIRATION_MS + 100);
    expect((await tusRequest(unfinished, 'HEAD')).status).toBe(410);
    // The upload created by hand and the unfinished one.
    expect(await store.deleteExpired()).toBe(2);

    expect(await uploads()).toEqual([]);
    expect((await tusRequest(unfinished, 'HEAD')).status).toBe(404);
    expect(await sha256OfStream(await driver.read(keyOf(finished)))).toBe(sha256(finishedData));
  });

  it('never expires uploads with an expiration of 0', async () => {
    const { store, server } = await startLocalTus({ expiration: 0 });
    const creation = await tusRequest(server.endpoint, 'POST', { 'Upload-Length': '10' });
    expect(creation.headers.get('upload-expires')).toBeNull();
    expect(store.hasExtension('expiration')).toBe(false);
    expect(await store.deleteExpired()).toBe(0);
    expect((await tusRequest(creation.headers.get('location')!, 'HEAD')).status).toBe(200);
  });
});
