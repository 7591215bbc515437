import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Emulator } from '../src/index.js';
import { clientFor } from './clients.js';

const emulator = createS3Emulator().listen().createBucket('b');
afterAll(() => emulator.close());

describe('traffic to other hosts', () => {
  let server: http.Server;
  let origin: string;
  beforeAll(async () => {
    // Answers with the size and digest of what it received.
    server = http.createServer(async (request, response) => {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of request) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      response.end(`${size}:${hash.digest('hex')}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const payload = Buffer.alloc(4 * 1024 * 1024 + 3, 'q');
  const expected = `${payload.length}:${createHash('sha256').update(payload).digest('hex')}`;

  it('reaches a local server untouched over node:http, with a streamed body', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const request = http.request(`${origin}/upload`, { method: 'PUT' }, async (response) => {
        let text = '';
        for await (const chunk of response) text += chunk;
        resolve(text);
      });
      request.on('error', reject);
      Readable.from([payload.subarray(0, 1_000_000), payload.subarray(1_000_000)]).pipe(request);
    });
    expect(answer).toBe(expected);
  });

  it('reaches a local server over fetch', async () => {
    const response = await fetch(`${origin}/upload`, { method: 'PUT', body: payload });
    expect(await response.text()).toBe(expected);
  });
});

describe('several emulators', () => {
  it('answer side by side on their own endpoints, and refuse to share one', async () => {
    // A subdomain of the first emulator's host: its own endpoint, not a bucket of the first.
    const other = createS3Emulator({ profile: 'r2', endpoint: 'http://r2.s3.emulator.test' })
      .listen()
      .createBucket('r2-bucket');
    try {
      await clientFor(other).send(new HeadBucketCommand({ Bucket: 'r2-bucket' }));
      await clientFor(other, { forcePathStyle: false }).send(new HeadBucketCommand({ Bucket: 'r2-bucket' }));
      await clientFor(emulator).send(new HeadBucketCommand({ Bucket: 'b' }));
      expect([other.requestCount('HeadBucket'), emulator.requestCount('HeadBucket')]).toEqual([2, 1]);
      expect(() => createS3Emulator().listen()).toThrow(/already listens on s3\.emulator\.test/);
    } finally {
      other.close();
    }
  });
});

describe('concurrent requests', () => {
  it('are answered independently', async () => {
    const client = clientFor(emulator);
    const bodies = Array.from({ length: 16 }, (_, index) => Buffer.alloc(300_000 + index, index));
    await Promise.all(
      bodies.map((body, index) =>
        client.send(new PutObjectCommand({ Bucket: 'b', Key: `c/${index}`, Body: body })),
      ),
    );
    const read = await Promise.all(
      bodies.map(async (_, index) => {
        const got = await client.send(new GetObjectCommand({ Bucket: 'b', Key: `c/${index}` }));
        return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
      }),
    );
    expect(read.every((body, index) => body.equals(bodies[index] as Buffer))).toBe(true);
  });
});

describe('large objects', () => {
  it('moves a 64 MiB object in and out, streamed', async () => {
    const client = clientFor(emulator);
    const size = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 'm');
    const started = performance.now();
    await client.send(
      new PutObjectCommand({
        Bucket: 'b',
        Key: 'big',
        Body: Readable.from(
          (function* () {
            for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
          })(),
        ),
        ContentLength: size,
      }),
    );
    const put = performance.now() - started;
    const got = await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'big' }));
    let received = 0;
    for await (const part of got.Body as Readable) received += (part as Buffer).length;
    const total = performance.now() - started;
    console.info(`64 MiB through the emulator: PUT ${put.toFixed(0)} ms, PUT+GET ${total.toFixed(0)} ms`);
    expect(received).toBe(size);
    expect(emulator.object('b', 'big')?.size).toBe(size);
  }, 60_000);
});
