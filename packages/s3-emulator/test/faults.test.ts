import { Readable } from 'node:stream';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createS3Emulator } from '../src/index.js';
import { clientFor, failureOf } from './clients.js';

const emulator = createS3Emulator().listen().createBucket('b');
const once = clientFor(emulator);
const retrying = clientFor(emulator, { maxAttempts: 3 });
afterEach(() => {
  emulator.clearFaults();
  emulator.resetRequestCounts();
});
afterAll(() => emulator.close());

const put = (client = once, key = 'k') =>
  client.send(new PutObjectCommand({ Bucket: 'b', Key: key, Body: 'data' }));

describe('error answers', () => {
  it('answers 503 SlowDown N times, then lets the request through', async () => {
    const fault = emulator.inject({ operation: 'PutObject', fault: 'slow-down', times: 2 });
    await put(retrying);
    expect(emulator.requestCount('PutObject')).toBe(3);
    expect([fault.triggered, fault.exhausted]).toEqual([2, true]);
    expect(emulator.object('b', 'k')?.body.toString()).toBe('data');
  });

  it('answers 500 InternalError', async () => {
    emulator.inject({ operation: 'PutObject', fault: 'internal-error' });
    expect(await failureOf(put())).toMatchObject({ name: 'InternalError', status: 500 });
    await put();
  });

  it('answers any S3 error', async () => {
    emulator.inject({ operation: '*', fault: 'error', status: 403, code: 'AccessDenied' });
    expect(await failureOf(put())).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('matches by key, part number and occurrence', async () => {
    emulator.inject({ operation: 'PutObject', key: 'other', fault: 'internal-error' });
    await put();
    const { UploadId } = await once.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: 'mp' }));
    const uploadPart = (PartNumber: number) =>
      once.send(new UploadPartCommand({ Bucket: 'b', Key: 'mp', UploadId, PartNumber, Body: 'p' }));
    emulator.inject({ operation: 'UploadPart', partNumber: 2, nth: 2, fault: 'internal-error' });
    await uploadPart(2);
    await uploadPart(1);
    expect(await failureOf(uploadPart(2))).toMatchObject({ status: 500 });
    await uploadPart(2);
  });

  it('are withdrawn by clearFaults and remove', async () => {
    emulator.inject({ operation: 'PutObject', fault: 'internal-error' });
    emulator.clearFaults();
    const removed = emulator.inject({ operation: 'PutObject', fault: 'internal-error' });
    removed.remove();
    await put();
    expect(removed.triggered).toBe(0);
  });
});

describe('connection faults', () => {
  it('resets the connection (ECONNRESET), which the SDK retries', async () => {
    emulator.inject({ operation: 'PutObject', fault: 'reset' });
    const failure = await failureOf(put());
    expect(failure.message).toContain('ECONNRESET');
    emulator.inject({ operation: 'PutObject', fault: 'reset' });
    await put(retrying);
    expect(emulator.requestCount('PutObject')).toBe(3);
  });

  it('resets a streamed upload while its body is on the way: it fails, nothing is stored', async () => {
    emulator.inject({ operation: 'PutObject', fault: 'reset' });
    const chunk = Buffer.alloc(256 * 1024, 's');
    const failure = await failureOf(
      once.send(
        new PutObjectCommand({
          Bucket: 'b',
          Key: 'streamed',
          Body: Readable.from(Array.from({ length: 12 }, () => chunk)),
          ContentLength: 12 * chunk.length,
        }),
      ),
    );
    expect(failure.message).toMatch(/ECONNRESET|socket hang up/);
    expect(emulator.object('b', 'streamed')).toBeUndefined();
  });

  it('truncates a GET body after N bytes: the reader gets an error, not a short body', async () => {
    const body = Buffer.alloc(256 * 1024, 'z');
    emulator.putObject('b', 'big', body);
    emulator.inject({ operation: 'GetObject', fault: 'truncate', afterBytes: 1000 });
    const got = await once.send(new GetObjectCommand({ Bucket: 'b', Key: 'big' }));
    expect(got.ContentLength).toBe(body.length);
    await expect(got.Body?.transformToByteArray()).rejects.toThrow();
    const again = await once.send(new GetObjectCommand({ Bucket: 'b', Key: 'big' }));
    expect((await again.Body?.transformToByteArray())?.length).toBe(body.length);
  });

  it('delays a request', async () => {
    emulator.putObject('b', 'k', 'x');
    emulator.inject({ operation: 'HeadObject', fault: 'delay', ms: 150 });
    const started = Date.now();
    await once.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
