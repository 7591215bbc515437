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
});
