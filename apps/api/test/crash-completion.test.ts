import { watch } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type ApiProcess, localLocationEnv, processEnv, spawnApi } from './helpers/process.js';
import { s3LocationEnv } from './helpers/s3-env.js';
import { createS3Proxy, type S3Proxy } from './helpers/s3-proxy.js';
import { tusUpload } from './helpers/tus.js';
import { until } from './helpers/until.js';

const server = inject('s3Server');
const TOKEN = 'crash-test-token-0123456789';
const MIB = 1024 * 1024;
const tusHeaders = { 'tus-resumable': '1.0.0', authorization: `Bearer ${TOKEN}` };

/** The records as stored, through the list (which, unlike GET /files/:id, repairs nothing). */
async function storedRecord(api: ApiProcess, id: string): Promise<FileJson | undefined> {
  const list = await client(api.url, TOKEN).json<{ data: FileJson[] }>('/files?limit=1000');
  return list.body.data.find((file) => file.id === id);
}

describe.skipIf(!server)('an upload finished in its store when the API was killed', () => {
  let dataDir: string;
  let api: ApiProcess | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stowage-crash-'));
  });
  afterEach(async () => {
    await api?.stop('SIGKILL');
    api = undefined;
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  describe('on S3: killed once HeadObject of the final object succeeded', () => {
    let bucket: Awaited<ReturnType<typeof createTestBucket>>;
    let proxy: S3Proxy;
    let s3: ReturnType<typeof rawS3Client>;
    beforeAll(async () => {
      s3 = rawS3Client(server!);
      bucket = await createTestBucket(server!, 'api-crash');
      proxy = await createS3Proxy(server!.endpoint);
      env = {
        ...(await processEnv(join(dataDir, 's3'), TOKEN)),
        STORAGE_LOCATIONS: 's3',
        ...s3LocationEnv('s3', { ...server!, endpoint: proxy.endpoint }, bucket.bucket),
      };
    });
    afterAll(async () => {
      await proxy?.close();
      await bucket?.remove();
      s3?.destroy();
    });

    it('completes the record from HEAD, GET /files/:id, GET /assets/:id and the janitor, and never deletes it', async () => {
      api = await spawnApi(env);
      const contents = [1, 2, 3, 4].map((seed) => bytes(MIB + seed * 1000, seed));
      // The store's last step checks the final object with HeadObject: RGW answers, the API never hears it.
      proxy.hold(
        (request, status) =>
          request.method === 'HEAD' && status === 200 && !request.url!.includes('.stowage'),
      );
      const uploads = contents.map((content) =>
        tusUpload(api!.url, TOKEN, content, { chunkSize: 8 * MIB, metadata: { filename: 'crash.bin' } }),
      );
      for (const upload of uploads) upload.catch(() => {});
      await proxy.held(contents.length);
      await api.stop('SIGKILL');
      await Promise.allSettled(uploads);
      const ids = uploads.map(({ upload }) => upload.url!.split('/').pop()!);
      proxy.hold(() => false);

      // What the crash left: every object whole in S3, every record still uploading.
      for (const [index, id] of ids.entries()) {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket.bucket, Key: id }));
        expect(head.ContentLength).toBe(contents[index]!.length);
      }
      api = await spawnApi({ ...env, CLEANUP_ENABLED: 'false' });
      for (const id of ids) expect((await storedRecord(api, id))?.upload_status).toBe('uploading');
      const http = client(api.url, TOKEN);

      // The client resuming sees every byte there, and the record is complete by then.
      const head = await fetch(`${api.url}/files/tus/${ids[0]}`, { method: 'HEAD', headers: tusHeaders });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('upload-offset'))).toBe(contents[0]!.length);
      expect(await storedRecord(api, ids[0]!)).toMatchObject({
        upload_status: 'ready',
        filesize: contents[0]!.length,
        checksum: sha256(contents[0]!),
      });

      expect((await http.json(`/files/${ids[1]}`)).body.data).toMatchObject({
        upload_status: 'ready',
        checksum: sha256(contents[1]!),
      });

      const download = await http.download(ids[2]!);
      expect(download.status).toBe(200);
      expect(sha256(download.body)).toBe(sha256(contents[2]!));

      // The fourth waits for the janitor, with expiry due at once: it must complete it, not delete it.
      expect((await storedRecord(api, ids[3]!))?.upload_status).toBe('uploading');
      await api.stop();
      api = await spawnApi({
        ...env,
        TUS_UPLOAD_EXPIRATION: '1ms',
        CLEANUP_ABANDONED_AFTER: '0',
        STORAGE_S3_TUS__EXPIRATION: '1ms',
      });
      const completed = await until('the janitor', async () => {
        const record = await storedRecord(api!, ids[3]!);
        return record?.upload_status === 'ready' ? record : undefined;
      });
      expect(completed.checksum).toBe(sha256(contents[3]!));
      for (const [index, id] of ids.entries()) {
        expect(sha256((await client(api.url, TOKEN).download(id)).body)).toBe(sha256(contents[index]!));
      }
      // Nothing of the uploads is left but their files.
      const multipart = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket.bucket }));
      expect(multipart.Uploads ?? []).toEqual([]);
      await until('the expired states to go', async () => {
        const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: '.stowage/' }));
        return (left.Contents ?? []).length === 0 ? true : undefined;
      });
    });
  });

  describe('on local disk: killed once the finished file was renamed into place', () => {
    beforeAll(async () => {
      env = {
        ...(await processEnv(join(dataDir, 'local'), TOKEN)),
        STORAGE_LOCATIONS: 'local',
        ...localLocationEnv(join(dataDir, 'local')),
      };
    });

    /** Uploads, and kills the API the moment the file lands at its key (before its SHA-256 is read back). */
    async function crashAfterRename(content: Buffer): Promise<string> {
      api = await spawnApi(env);
      let id = '';
      const watcher = watch(env.STORAGE_LOCAL_ROOT!);
      const landed = new Promise<void>((resolve) =>
        watcher.on('change', (_event, name) => {
          if (id && name === id) {
            api!.child.kill('SIGSTOP');
            resolve();
          }
        }),
      );
      const upload = tusUpload(api.url, TOKEN, content, {
        chunkSize: content.length,
        onUploadUrlAvailable: () => {
          id = upload.upload.url!.split('/').pop()!;
        },
      });
      upload.catch(() => {});
      await landed;
      watcher.close();
      await api.stop('SIGKILL');
      api = undefined;
      return id;
    }

    it('completes the record when the client asks where its upload stands', async () => {
      const content = bytes(48 * MIB, 9);
      let id = '';
      let leftUploading = false;
      // The kill must land between the rename and the record's update (~100 ms of reading back).
      for (let attempt = 0; attempt < 3 && !leftUploading; attempt++) {
        id = await crashAfterRename(content);
        api = await spawnApi({ ...env, CLEANUP_ENABLED: 'false' });
        leftUploading = (await storedRecord(api, id))?.upload_status === 'uploading';
        if (!leftUploading) await api.stop();
      }
      expect(leftUploading).toBe(true);

      const head = await fetch(`${api!.url}/files/tus/${id}`, { method: 'HEAD', headers: tusHeaders });
      expect(Number(head.headers.get('upload-offset'))).toBe(content.length);
      expect(await storedRecord(api!, id)).toMatchObject({
        upload_status: 'ready',
        checksum: sha256(content),
      });
      expect(sha256((await client(api!.url, TOKEN).download(id)).body)).toBe(sha256(content));
    });
  });
});
