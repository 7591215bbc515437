import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestBucket } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytes, client, sha256 } from './helpers/http.js';
import { type ApiProcess, localLocationEnv, processEnv, spawnApi } from './helpers/process.js';
import { s3LocationEnv } from './helpers/s3-env.js';
import { tusUpload } from './helpers/tus.js';

const server = inject('s3Server');
const TOKEN = 'restart-test-token-0123456789';
const MIB = 1024 * 1024;

describe.skipIf(!server)('a resumable upload survives the API process being killed', () => {
  let dataDir: string;
  let bucket: Awaited<ReturnType<typeof createTestBucket>>;
  let env: Record<string, string>;
  let api: ApiProcess | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stowage-restart-'));
    bucket = await createTestBucket(server!, 'api-restart');
    env = {
      ...(await processEnv(dataDir, TOKEN)),
      STORAGE_LOCATIONS: 'local,s3',
      ...localLocationEnv(dataDir),
      ...s3LocationEnv('s3', server!, bucket.bucket),
    };
  });
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await bucket?.remove();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(['s3', 'local'])(
    'to %s: SIGKILL mid-upload, restart, resume from the stored offset',
    async (location) => {
      api = await spawnApi(env);
      const content = bytes(16 * MIB + 5, 11);
      const first = tusUpload(api.url, TOKEN, content, {
        chunkSize: 5 * MIB,
        metadata: { storage: location, filename: 'resume.bin' },
        onChunkComplete: (_chunk, accepted) => {
          if (accepted >= 5 * MIB) api!.child.kill('SIGKILL');
        },
      });
      await expect(first).rejects.toThrow();
      const uploadUrl = first.upload.url!;
      await api.stop();

      // Another token than the one that created the upload may not touch it.
      api = await spawnApi({ ...env, ADMIN_TOKEN: 'another-token-0123456789abcdef' });
      const foreign = await fetch(uploadUrl, {
        method: 'HEAD',
        headers: { 'tus-resumable': '1.0.0', authorization: 'Bearer another-token-0123456789abcdef' },
      });
      expect(foreign.status).toBe(403);
      await api.stop();

      api = await spawnApi(env);
      const head = await fetch(uploadUrl, {
        method: 'HEAD',
        headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${TOKEN}` },
      });
      expect(head.status).toBe(200);
      const offset = Number(head.headers.get('upload-offset'));
      expect(offset).toBeGreaterThanOrEqual(5 * MIB);
      expect(offset).toBeLessThan(content.length);

      let resumedFrom = -1;
      const { id } = await tusUpload(api.url, TOKEN, content, {
        uploadUrl,
        chunkSize: 5 * MIB,
        onProgress: (sent) => {
          if (resumedFrom < 0) resumedFrom = sent;
        },
      });
      expect(resumedFrom).toBeGreaterThanOrEqual(offset);
      const http = client(api.url, TOKEN);
      expect((await http.json(`/files/${id}`)).body.data).toMatchObject({
        storage: location,
        upload_status: 'ready',
        filesize: content.length,
        checksum: sha256(content),
      });
      expect(sha256((await http.download(id)).body)).toBe(sha256(content));
      await api.stop();
    },
  );

  it.each(['s3', 'local'])(
    'to %s: a parallel upload (4 partials) survives a SIGKILL and completes byte-exact after a restart',
    async (location) => {
      api = await spawnApi(env);
      const content = bytes(4 * 5 * MIB + 321, 12);
      let killed = false;
      const options = {
        parallelUploads: 4,
        chunkSize: 5 * MIB,
        metadata: { storage: location, filename: 'parallel.bin' },
        metadataForPartialUploads: { storage: location },
        // The client retries through the outage, as a browser would.
        retryDelays: [300, 600, 1000, 1500, 2000, 3000, 3000, 3000],
        onProgress: (sent: number) => {
          if (!killed && sent >= 6 * MIB) {
            killed = true;
            api!.child.kill('SIGKILL');
            api!.stop().then(async () => {
              api = await spawnApi(env);
            });
          }
        },
      };
      const { id } = await tusUpload(api.url, TOKEN, content, options);
      expect(killed).toBe(true);
      const http = client(api!.url, TOKEN);
      expect(sha256((await http.download(id)).body)).toBe(sha256(content));
      let record = (await http.json(`/files/${id}`)).body.data;
      for (let waited = 0; record.checksum === null && waited < 10_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        record = (await http.json(`/files/${id}`)).body.data;
      }
      expect(record).toMatchObject({
        upload_status: 'ready',
        filesize: content.length,
        checksum: sha256(content),
      });
      await api!.stop();
    },
  );

  it('a checksum mismatch keeps nothing, also for the process started after a SIGKILL', async () => {
    api = await spawnApi(env);
    const content = bytes(10 * MIB, 13);
    const headers = { 'tus-resumable': '1.0.0', authorization: `Bearer ${TOKEN}` };
    const created = await fetch(`${api.url}/files/tus`, {
      method: 'POST',
      headers: {
        ...headers,
        'upload-length': String(content.length),
        'upload-metadata': `storage ${btoa('s3')}`,
      },
    });
    const url = created.headers.get('location')!;
    const patch = (offset: number, body: Buffer, checksum?: string) =>
      fetch(url, {
        method: 'PATCH',
        headers: {
          ...headers,
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
          ...(checksum && { 'upload-checksum': checksum }),
        },
        body,
      });
    expect((await patch(0, content.subarray(0, 5 * MIB))).status).toBe(204);
    const rest = content.subarray(5 * MIB);
    expect((await patch(5 * MIB, rest, `sha256 ${sha256Base64(Buffer.from('other bytes'))}`)).status).toBe(
      460,
    );
    api.child.kill('SIGKILL');
    await api.stop();
    api = await spawnApi(env);
    const head = await fetch(url, { method: 'HEAD', headers });
    expect(head.headers.get('upload-offset')).toBe(String(5 * MIB));
    expect((await patch(5 * MIB, rest, `sha256 ${sha256Base64(rest)}`)).status).toBe(204);
    const id = url.split('/').pop()!;
    expect((await client(api.url, TOKEN).json(`/files/${id}`)).body.data).toMatchObject({
      upload_status: 'ready',
      checksum: sha256(content),
    });
    await api.stop();
  });
});

function sha256Base64(data: Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}
