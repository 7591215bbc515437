import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { fedUpload } from './helpers/fed-upload.js';
import { bytes, client, type FileJson } from './helpers/http.js';
import { startApi } from './helpers/in-process.js';
import { type ApiProcess, localLocationEnv, processEnv, spawnApi } from './helpers/process.js';
import { s3LocationEnv } from './helpers/s3-env.js';
import { until } from './helpers/until.js';

const server = inject('s3Server');
const TOKEN = 'leftover-test-token-0123456789';
const MIB = 1024 * 1024;
/** Cleanup at once and every half second, of whatever a dead write left a moment ago. */
const EAGER_JANITOR = { TUS_CLEANUP_INTERVAL: '500ms', CLEANUP_ABANDONED_AFTER: '1s' };

describe.skipIf(!server)('what a write leaves when it dies', () => {
  let dataDir: string;
  let bucket: Awaited<ReturnType<typeof createTestBucket>>;
  let s3: S3Client;
  let api: ApiProcess | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stowage-leftovers-'));
    bucket = await createTestBucket(server!, 'api-leftovers');
    s3 = rawS3Client(server!);
    env = {
      ...(await processEnv(dataDir, TOKEN)),
      STORAGE_LOCATIONS: 'local,s3',
      ...localLocationEnv(dataDir),
      ...s3LocationEnv('s3', server!, bucket.bucket),
    };
  });
  afterEach(async () => {
    await api?.stop('SIGKILL');
    api = undefined;
  });
  afterAll(async () => {
    await bucket?.remove();
    s3?.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  const multipartUploads = async () =>
    (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket.bucket }))).Uploads ?? [];
  const markers = async () =>
    (await s3.send(new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: '.stowage/multipart/' })))
      .Contents ?? [];
  const records = async () => (await client(api!.url, TOKEN).json<{ data: FileJson[] }>('/files')).body.data;

  it('S3: a POST /files killed mid-upload leaves a multipart upload the janitor aborts, never a foreign one', async () => {
    const foreign = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket.bucket, Key: 'another-application/upload.bin' }),
    );
    api = await spawnApi(env);
    const upload = fedUpload(api.url, TOKEN, { storage: 's3' });
    upload.send(bytes(10 * MIB, 3));
    const started = await until('the upload to start its multipart upload', async () =>
      (await multipartUploads()).find((u) => u.UploadId !== foreign.UploadId),
    );
    await api.stop('SIGKILL');
    expect((await markers()).length).toBe(1);

    api = await spawnApi({ ...env, ...EAGER_JANITOR });
    await until('the janitor to abort it', async () =>
      (await multipartUploads()).some((u) => u.UploadId === started.UploadId) ? undefined : true,
    );
    expect((await multipartUploads()).map((u) => u.UploadId)).toEqual([foreign.UploadId]);
    expect(await markers()).toEqual([]);
    expect(await records()).toEqual([]);
  });

  it('local: a POST /files killed mid-write leaves a temporary file the janitor removes', async () => {
    const tempFolder = join(env.STORAGE_LOCAL_ROOT!, '.stowage', 'tmp');
    api = await spawnApi(env);
    const upload = fedUpload(api.url, TOKEN, { storage: 'local' });
    upload.send(bytes(2 * MIB, 4));
    await until('the temporary file', async () => {
      const names = await readdir(tempFolder).catch(() => []);
      const sizes = await Promise.all(names.map((name) => stat(join(tempFolder, name)).then((s) => s.size)));
      return sizes.some((size) => size >= MIB) ? true : undefined;
    });
    await api.stop('SIGKILL');
    expect(await readdir(tempFolder)).toHaveLength(1);

    api = await spawnApi({ ...env, ...EAGER_JANITOR });
    await until('the janitor to remove it', async () =>
      (await readdir(tempFolder)).length === 0 ? true : undefined,
    );
    expect(await records()).toEqual([]);
  });

  it('S3: a living process aborts the multipart upload of a client that vanishes, at once', async () => {
    const inProcess = await startApi({ ...env, PORT: '0', DATA_DIR: join(dataDir, 'living') });
    try {
      const upload = fedUpload(inProcess.url, inProcess.token, { storage: 's3' });
      upload.send(bytes(10 * MIB, 5));
      await until('the multipart upload', async () =>
        (await multipartUploads()).length > 1 ? true : undefined,
      );
      upload.abort();
      // No janitor involved: its cleanup waits an hour by default.
      await until(
        'the abort',
        async () => ((await multipartUploads()).length === 1 ? true : undefined),
        5000,
      );
      expect(await markers()).toEqual([]);
    } finally {
      await inProcess.close();
    }
  });
});
