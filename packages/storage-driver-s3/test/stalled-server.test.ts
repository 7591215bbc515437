import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { randomStream } from '@stowage/storage/testing';
import { type BlackHole, startBlackHole } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../src/index.js';
import { watchedAgents } from '../src/progress-watchdog.js';

const MiB = 1024 * 1024;
/** Far more than loopback's send and receive buffers together (~10 MiB): the body cannot all leave. */
const STUCK_BODY = 32 * MiB;

describe('an S3 server that stops reading request bodies', () => {
  let hole: BlackHole;
  beforeAll(async () => {
    hole = await startBlackHole();
  });
  afterAll(() => hole.close());

  it('fails a request stuck sending its body after socketTimeout, not twice that (Node alone)', async () => {
    const socketTimeout = 1000;
    const client = new S3Client({
      endpoint: hole.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({
        socketTimeout,
        ...watchedAgents({ keepAlive: true }, socketTimeout),
      }),
    });
    const started = Date.now();
    await expect(
      client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Buffer.alloc(STUCK_BODY) })),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(socketTimeout);
    // Node's own idle timer, re-armed once for the pending write, fires at 2 × socketTimeout.
    expect(elapsed).toBeLessThan(1.7 * socketTimeout);
    client.destroy();
  });

  it('fails a driver write within the SDK attempts × socketTimeout, as a storage failure', async () => {
    const driver = new S3Driver({
      bucket: 'b',
      endpoint: hole.endpoint,
      key: 'k',
      secret: 's',
      socketTimeout: '1000',
      // One PutObject with the whole body: the body is what gets stuck.
      multipartThreshold: '32MiB',
    });
    const started = Date.now();
    await expect(
      driver.write('stuck.bin', randomStream(STUCK_BODY), { size: STUCK_BODY }),
    ).rejects.toMatchObject({ code: 'STORAGE_FAILURE', message: expect.stringMatching(/TimeoutError/) });
    // Three attempts of ~1 s and the SDK's backoff; six seconds and more without the watchdog.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
