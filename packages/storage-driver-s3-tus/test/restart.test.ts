import { setTimeout as sleep } from 'node:timers/promises';
import { ListPartsCommand } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { describe, expect, inject, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { multipartUploads, objectBytes } from './helpers/rgw.js';
import { randomBytes, sha256, tusRequest, tusUpload } from './helpers/tus-client.js';

const MiB = 1024 * 1024;
const server = inject('s3Server');

describe.skipIf(!server)('a tus server process killed mid-upload', () => {
  it('resumes in a new process and stores the right bytes', async () => {
    const { bucket, remove } = await createTestBucket(server!, 'tus-restart');
    const raw = rawS3Client(server!);
    const config = {
      store: 'stowage' as const,
      s3: { ...server!, bucket, root: 'uploads' },
      tus: { chunkSize: 5 * MiB },
    };
    const processes: ServerProcess[] = [];
    try {
      const first = await startServerProcess(config);
      processes.push(first);
      const data = randomBytes(23 * MiB + 17);
      const created = await tusRequest(first.endpoint, 'POST', { 'Upload-Length': String(data.length) });
      const id = created.headers.get('location')!.split('/').pop()!;

      // A PATCH that sends slowly, so that the process dies with parts stored and more in flight.
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= 18 * MiB) return sleep(60_000);
          controller.enqueue(data.subarray(sent, sent + MiB));
          sent += MiB;
          await sleep(20);
        },
      });
      const patch = fetch(`${first.endpoint}/${id}`, {
        method: 'PATCH',
        headers: {
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': '0',
          'Content-Type': 'application/offset+octet-stream',
        },
        body,
        duplex: 'half',
      } as RequestInit).catch((error: unknown) => error);
      const [upload] = await waitFor(
        () => multipartUploads(raw, bucket),
        (uploads) => uploads.length === 1,
      );
      await waitFor(
        () =>
          raw.send(new ListPartsCommand({ Bucket: bucket, Key: upload!.key, UploadId: upload!.uploadId })),
        (listed) => (listed.Parts ?? []).length >= 2,
      );
      await first.kill('SIGKILL');
      expect(await patch).toBeInstanceOf(Error);

      const second = await startServerProcess(config);
      processes.push(second);
      const url = `${second.endpoint}/${id}`;
      const offset = Number((await tusRequest(url, 'HEAD')).headers.get('upload-offset'));
      // Whole parts survive; the bytes the dead process held in memory are sent again.
      expect(offset % (5 * MiB)).toBe(0);
      expect(offset).toBeGreaterThanOrEqual(10 * MiB);
      await tusUpload(second.endpoint, data, { uploadUrl: url, chunkSize: 4 * MiB });
      expect(sha256(await objectBytes(raw, bucket, `uploads/${id}`))).toBe(sha256(data));
    } finally {
      for (const child of processes) await child.kill('SIGKILL');
      await remove();
    }
  });
});

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await probe();
    if (done(value)) return value;
    await sleep(25);
  }
  throw new Error('timed out waiting');
}
