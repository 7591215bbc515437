import { createS3Emulator, type ProviderName, type S3Emulator } from '@stowage/s3-emulator';
import { describeDriverConformance, randomBuffer, streamOf, streamToBuffer } from '@stowage/storage/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver, type S3DriverOptionsInput } from '../src/index.js';

const MiB = 1024 ** 2;

/** Small parts and a lowered copy limit, so that multipart writes and copies happen on every profile. */
function emulatedDriver(emulator: S3Emulator, bucket: string, options: Partial<S3DriverOptionsInput> = {}) {
  const { endpoint, credentials } = emulator.clientConfig;
  return new S3Driver({
    bucket,
    endpoint,
    key: credentials.accessKeyId,
    secret: credentials.secretAccessKey,
    provider: emulator.profile.name,
    multipartThreshold: MiB,
    partSize: 5 * MiB,
    maxObjectSize: '40GiB',
    maxCopyObjectSize: 8 * MiB,
    ...options,
  });
}

const profiles: ProviderName[] = ['aws', 'r2', 'b2', 'minio', 'ceph'];

for (const profile of profiles) {
  const emulator = createS3Emulator({ profile, endpoint: `http://${profile}.s3.emulator.test` });
  beforeAll(() => {
    emulator.listen().createBucket('conformance');
  });
  afterAll(() => emulator.close());
  describeDriverConformance(
    `emulated ${profile}`,
    async () => ({ driver: emulatedDriver(emulator, 'conformance', { root: 'under/root' }) }),
    // The emulator takes any signature: expiry and signed lengths are the real server's to show.
    { checksSignatures: false },
  );
}

describe('faults (emulated aws)', () => {
  const emulator = createS3Emulator({ endpoint: 'http://faults.s3.emulator.test' });
  let driver: S3Driver;
  beforeAll(() => {
    emulator.listen().createBucket('b');
    driver = emulatedDriver(emulator, 'b');
  });
  afterEach(() => emulator.clearFaults());
  afterAll(() => emulator.close());

  it.each(['internal-error', 'slow-down'] as const)(
    'retries %s on a single PUT, a part and a GET',
    async (fault) => {
      emulator.inject({ operation: 'PutObject', fault, times: 2 });
      await driver.write('small', streamOf(Buffer.from('hello')), { size: 5 });
      emulator.inject({ operation: 'UploadPart', partNumber: 2, fault });
      const big = randomBuffer(11 * MiB);
      await driver.write('big', streamOf(big));
      emulator.inject({ operation: 'GetObject', fault, times: 2 });
      expect((await streamToBuffer(await driver.read('big'))).equals(big)).toBe(true);
    },
  );

  it('retries a request whose connection was reset while sending the body', async () => {
    emulator.inject({ operation: 'UploadPart', partNumber: 1, fault: 'reset' });
    const big = randomBuffer(11 * MiB);
    await driver.write('reset', streamOf(big));
    expect((await streamToBuffer(await driver.read('reset'))).equals(big)).toBe(true);
  });

  it('surfaces a truncated GET body as a stream error, never as short data', async () => {
    await driver.write('cut', streamOf(randomBuffer(MiB)));
    emulator.inject({ operation: 'GetObject', fault: 'truncate', afterBytes: 1000 });
    await expect(streamToBuffer(await driver.read('cut'))).rejects.toThrow();
    emulator.inject({ operation: 'GetObject', fault: 'truncate', afterBytes: 10 });
    await expect(streamToBuffer(await driver.read('cut', { range: { start: 5 } }))).rejects.toThrow();
  });

  it('aborts the multipart upload when a part keeps failing', async () => {
    emulator.inject({
      operation: 'UploadPart',
      partNumber: 2,
      fault: 'error',
      status: 400,
      code: 'InvalidPart',
      times: 5,
    });
    await expect(driver.write('failing', streamOf(randomBuffer(11 * MiB)))).rejects.toThrow(/InvalidPart/);
    expect(emulator.object('b', 'failing')).toBeUndefined();
    expect(emulator.multipartUploads('b')).toEqual([]);
  });

  it('maps 501 to UnsupportedError and 412 to ConflictError', async () => {
    emulator.inject({ operation: 'HeadObject', fault: 'error', status: 501, code: 'NotImplemented' });
    await expect(driver.stat('small')).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: /aws does not support stat/,
    });
    emulator.inject({ operation: 'GetObject', fault: 'error', status: 412, code: 'PreconditionFailed' });
    await expect(driver.read('small')).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('provider quirks (emulated)', () => {
  it('R2: never sends an ACL header, cuts equal parts', async () => {
    const emulator = createS3Emulator({ profile: 'r2', endpoint: 'http://r2q.s3.emulator.test' }).listen();
    try {
      emulator.createBucket('b');
      const driver = emulatedDriver(emulator, 'b', { acl: 'private' });
      await driver.write('k', streamOf(randomBuffer(12 * MiB)));
      await driver.copy('k', 'k2');
      expect(emulator.object('b', 'k2')?.size).toBe(12 * MiB);
    } finally {
      emulator.close();
    }
  });

  it('B2: no checksum headers (WHEN_REQUIRED), so writes and reads pass', async () => {
    const emulator = createS3Emulator({ profile: 'b2', endpoint: 'http://b2q.s3.emulator.test' }).listen();
    try {
      emulator.createBucket('b');
      const driver = emulatedDriver(emulator, 'b');
      await driver.write('k', streamOf(randomBuffer(7 * MiB)));
      expect((await driver.stat('k')).size).toBe(7 * MiB);
    } finally {
      emulator.close();
    }
  });
});
