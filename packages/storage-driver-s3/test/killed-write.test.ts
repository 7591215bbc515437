import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { spawnTypeScript } from '@stowage/storage/testing';
import { rawS3Client } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driverOn, server, serverOptions, useTestBucket } from './real-s3.js';

const ROOT = 'site/';

describe.skipIf(!server)('S3Driver when the writing process is killed', () => {
  const bucket = useTestBucket('killed-write');
  let raw: S3Client;
  beforeAll(() => {
    raw = rawS3Client(server!);
  });
  afterAll(() => raw?.destroy());

  const uploads = async () =>
    (await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket.name }))).Uploads ?? [];

  /** Runs a writer process and kills it once its multipart upload exists. */
  async function killWriterMidWrite(key: string): Promise<void> {
    const child = spawnTypeScript(
      fileURLToPath(new URL('./fixtures/killed-writer.ts', import.meta.url)),
      [JSON.stringify({ ...serverOptions(server!, bucket.name), root: ROOT }), key],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let waited = 0; waited < 20_000 && child.exitCode === null; waited += 100) {
      if ((await uploads()).some((upload) => upload.Key === `${ROOT}${key}`)) {
        child.kill('SIGKILL');
        await exited;
        return;
      }
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error('The writer process never started its multipart upload');
  }

  it('aborts the dead writer multipart upload once idle, never a foreign one of the bucket', async () => {
    // Another application's upload in the same bucket, under the location's root even.
    const foreign = await raw.send(
      new CreateMultipartUploadCommand({ Bucket: bucket.name, Key: `${ROOT}someone-else.bin` }),
    );
    await killWriterMidWrite('victim.bin');
    const driver = driverOn(bucket.name, { root: ROOT });

    // Young leftovers may belong to a write in flight in another process.
    expect(await driver.sweepLeftovers({ idleFor: 60 * 60_000 })).toEqual({ removed: 0 });
    expect((await uploads()).map((upload) => upload.Key).sort()).toEqual([
      `${ROOT}someone-else.bin`,
      `${ROOT}victim.bin`,
    ]);

    // The upload and its marker.
    expect(await driver.sweepLeftovers({ idleFor: 0 })).toEqual({ removed: 2 });
    expect((await uploads()).map((upload) => upload.UploadId)).toEqual([foreign.UploadId]);
    const markers = await raw.send(
      new ListObjectsV2Command({ Bucket: bucket.name, Prefix: `${ROOT}.stowage/` }),
    );
    expect(markers.Contents ?? []).toEqual([]);
    expect(await driver.exists('victim.bin')).toBe(false);
  });
});
