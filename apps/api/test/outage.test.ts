import { ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  createTestBucket,
  type PrivateS3Server,
  rawS3Client,
  startPrivateS3Server,
} from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fedUpload } from './helpers/fed-upload.js';
import { bytes, client, type FileJson } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';
import { until } from './helpers/until.js';

const server = inject('s3Server');
const MIB = 1024 * 1024;

// A gateway of its own: the shared test server serves every other test meanwhile.
describe.skipIf(!server)('an S3 server that goes down and comes back', () => {
  let rgw: PrivateS3Server;
  let s3: S3Client;
  let bucket: string;
  let api: RunningApi;
  let env: Record<string, string>;
  beforeAll(async () => {
    rgw = await startPrivateS3Server('outage');
    s3 = rawS3Client(rgw.info);
    bucket = (await createTestBucket(rgw.info, 'outage')).bucket;
    env = { STORAGE_LOCATIONS: 's3', ...s3LocationEnv('s3', rgw.info, bucket, { TUS__PART_RETRIES: '0' }) };
    // No janitor yet: the test looks at what the outage left before one cleans it.
    api = await startApi({ ...env, CLEANUP_ENABLED: 'false' });
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    s3?.destroy();
    await rgw?.stop();
  });

  const records = async () =>
    (await client(api.url, api.token).json<{ data: FileJson[] }>('/files')).body.data;
  const multipartUploads = async () =>
    (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [];
  const internalObjects = async () =>
    (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: '.stowage/' }))).Contents ?? [];

  it('a tus creation while S3 is down answers 503 and leaves no record behind', async () => {
    await rgw.stopGateway();
    try {
      const response = await fetch(`${api.url}/files/tus`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'tus-resumable': '1.0.0', 'upload-length': '1000' },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('location')).toBeNull();
      expect(await records()).toEqual([]);
    } finally {
      await rgw.startGateway();
    }
    expect(await multipartUploads()).toEqual([]);
    expect((await internalObjects()).filter((o) => o.Key!.startsWith('.stowage/tus/'))).toEqual([]);
  });

  it('a POST /files cut by the outage leaves a multipart upload that the janitor aborts once S3 is back', async () => {
    const upload = fedUpload(api.url, api.token);
    upload.send(bytes(10 * MIB, 1));
    await until('the multipart upload', async () =>
      (await multipartUploads()).length > 0 ? true : undefined,
    );
    await rgw.stopGateway();
    let status: number;
    try {
      upload.send(bytes(MIB, 2));
      upload.end();
      status = (await upload.response).status;
    } finally {
      await rgw.startGateway();
    }
    expect(status).toBe(502);
    expect(await records()).toEqual([]);
    // The abort failed with the gateway down: the upload stays, its marker says whose it is.
    expect(await multipartUploads()).toHaveLength(1);
    expect((await internalObjects()).map((o) => o.Key!.split('/')[1])).toEqual(['multipart']);

    // Another instance's janitor, every half second, for what nothing touched for a second.
    const janitor = await startApi({ ...env, TUS_CLEANUP_INTERVAL: '500ms', CLEANUP_ABANDONED_AFTER: '1s' });
    try {
      await until('the janitor to abort it', async () =>
        (await multipartUploads()).length === 0 ? true : undefined,
      );
      await until('its marker to go', async () =>
        (await internalObjects()).length === 0 ? true : undefined,
      );
    } finally {
      await janitor.close();
    }
  });
});
