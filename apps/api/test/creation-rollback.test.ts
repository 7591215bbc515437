import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { Metadata } from '@tus/utils';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { client, type FileJson } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';

const server = inject('s3Server');

describe.skipIf(!server)('a resumable upload whose creation fails', () => {
  let api: RunningApi;
  let s3: S3Client;
  let bucket: Awaited<ReturnType<typeof createTestBucket>>;
  beforeAll(async () => {
    bucket = await createTestBucket(server!, 'api-creation');
    s3 = rawS3Client(server!);
    api = await startApi({ STORAGE_LOCATIONS: 'local,s3', ...s3LocationEnv('s3', server!, bucket.bucket) });
  });
  afterAll(async () => {
    await api?.close();
    await bucket?.remove();
    s3?.destroy();
  });

  const leftInStore = {
    local: async () => readdir(join(api.dataDir, 'uploads', '.stowage', 'tus')).catch(() => []),
    s3: async () => [
      ...((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket.bucket }))).Uploads ?? []),
      ...((await s3.send(new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: '.stowage/' })))
        .Contents ?? []),
    ],
  };

  it.each(['local', 's3'] as const)(
    'on %s: a body longer than Upload-Length answers 413 without Location and leaves nothing',
    async (location) => {
      const response = await fetch(`${api.url}/files/tus`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${api.token}`,
          'tus-resumable': '1.0.0',
          'upload-length': '10',
          'upload-metadata': Metadata.stringify({ storage: location }),
          'content-type': 'application/offset+octet-stream',
        },
        body: Buffer.alloc(20, 1),
      });
      expect(response.status).toBe(413);
      expect(response.headers.get('location')).toBeNull();
      expect((await client(api.url, api.token).json<{ data: FileJson[] }>('/files')).body.data).toEqual([]);
      expect(await leftInStore[location]()).toEqual([]);
    },
  );
});
