import type { S3Emulator } from '@stowage/s3-emulator';
import { type RunningTusServer, startTusServer } from '@stowage/test-tus';
import { afterEach, describe, expect, it } from 'vitest';
import { BUCKET, emulatedStore } from './helpers/emulator.js';
import { idOf, partialUpload, randomBytes, sha256, tusRequest, tusUpload } from './helpers/tus-client.js';

const KiB = 1024;

describe('TUS uploads on the S3 emulator', () => {
  const running: { emulator: S3Emulator; tus: RunningTusServer }[] = [];
  afterEach(async () => {
    for (const { emulator, tus } of running.splice(0)) {
      await tus.close();
      emulator.close();
    }
  });

  async function setUp(name: string, options: Parameters<typeof emulatedStore>[1]) {
    const { emulator, store, newStore } = emulatedStore(name, options);
    const tus = await startTusServer(store);
    running.push({ emulator, tus });
    return { emulator, tus, newStore };
  }

  function stored(emulator: S3Emulator, url: string) {
    const object = emulator.object(BUCKET, idOf(url))!;
    return { sha256: sha256(object.body), parts: object.partsCount };
  }

  it('retries parts answered 503 and 500, and stores the right bytes', async () => {
    const { emulator, tus } = await setUp('retries', { partSize: 64 * KiB });
    emulator.inject({ operation: 'UploadPart', partNumber: 2, fault: 'slow-down', times: 4 });
    emulator.inject({ operation: 'UploadPart', partNumber: 5, fault: 'internal-error', times: 2 });
    const data = randomBytes(600 * KiB + 3);
    const url = await tusUpload(tus.endpoint, data, { chunkSize: 150 * KiB });
    // Each PATCH of 150 KiB: a part of 64 KiB and one of 86 (its tail joins it); then 3 bytes.
    expect(stored(emulator, url)).toEqual({ sha256: sha256(data), parts: 9 });
  });

  it('fails the PATCH on a part that keeps failing, resumes from the gap and completes correctly', async () => {
    const { emulator, tus } = await setUp('failing-part', { partSize: 64 * KiB });
    const data = randomBytes(500 * KiB);
    const failing = emulator.inject({
      operation: 'UploadPart',
      partNumber: 3,
      fault: 'internal-error',
      times: 1000,
    });
    await expect(tusUpload(tus.endpoint, data, { chunkSize: 1024 * KiB })).rejects.toThrow(
      /response code: 503/,
    );
    failing.remove();
    // Parts after the gap may have been stored, but they count for nothing.
    const [upload] = emulator.multipartUploads(BUCKET);
    const partNumbers = upload!.parts.map((part) => part.partNumber);
    expect(partNumbers.slice(0, 3)).toEqual([1, 2, 4]);
    const url = `${tus.endpoint}/${upload!.key}`;
    expect((await tusRequest(url, 'HEAD')).headers.get('upload-offset')).toBe(String(128 * KiB));
    await tusUpload(tus.endpoint, data, { uploadUrl: url, chunkSize: 1024 * KiB });
    // Six parts of 64 KiB, and the last 52 KiB joined to the seventh.
    expect(stored(emulator, url)).toEqual({ sha256: sha256(data), parts: 7 });
  });

  it('resumes an upload of more than 1,000 parts in a process that never saw it', async () => {
    const { emulator, tus, newStore } = await setUp('many-parts', { partSize: 1 * KiB });
    const data = randomBytes(1200 * KiB + 5);
    const url = await partialUpload(tus.endpoint, data, 1100 * KiB + 100);
    const restarted = await startTusServer(newStore());
    running.push({ emulator, tus: restarted });
    const resumedUrl = `${restarted.endpoint}/${idOf(url)}`;
    emulator.resetRequestCounts();
    expect((await tusRequest(resumedUrl, 'HEAD')).headers.get('upload-offset')).toBe(
      String(1100 * KiB + 100),
    );
    // The state says what was acknowledged: a cold process lists no parts to answer.
    expect(emulator.requestCount('ListParts')).toBe(0);
    await tusUpload(restarted.endpoint, data, { uploadUrl: resumedUrl, chunkSize: 400 * KiB });
    // Each PATCH's tail joined its last part: 1,100 parts, then 99.
    expect(stored(emulator, url)).toEqual({ sha256: sha256(data), parts: 1199 });
    // Once, to complete: two pages of 1,000 parts.
    expect(emulator.requestCount('ListParts')).toBe(2);
  });

  it('answers HEAD with a 5xx, never a 404, while S3 fails', async () => {
    const { emulator, tus, newStore } = await setUp('head-failures', { partSize: 64 * KiB });
    const url = await partialUpload(tus.endpoint, randomBytes(100 * KiB), 70 * KiB);
    const restarted = await startTusServer(newStore());
    running.push({ emulator, tus: restarted });
    const resumedUrl = `${restarted.endpoint}/${idOf(url)}`;
    const failing = emulator.inject({ operation: 'GetObject', fault: 'internal-error', times: 1000 });
    expect((await tusRequest(resumedUrl, 'HEAD')).status).toBe(503);
    failing.remove();
    const head = await tusRequest(resumedUrl, 'HEAD');
    expect([head.status, head.headers.get('upload-offset')]).toEqual([200, String(70 * KiB)]);
  });

  it('sends each part once, streamed as it arrives, when nothing fails', async () => {
    const { emulator, tus } = await setUp('streamed', { partSize: 64 * KiB });
    const data = randomBytes(640 * KiB);
    const url = await tusUpload(tus.endpoint, data, { chunkSize: 128 * KiB });
    expect(stored(emulator, url)).toEqual({ sha256: sha256(data), parts: 10 });
    expect(emulator.requestCount('UploadPart')).toBe(10);
  });

  it('completes a deferred-length upload when an empty PATCH declares its length', async () => {
    const { emulator, tus } = await setUp('deferred', { partSize: 64 * KiB });
    const data = randomBytes(100 * KiB);
    const created = await tusRequest(tus.endpoint, 'POST', { 'Upload-Defer-Length': '1' });
    const url = created.headers.get('location')!;
    const patch = (offset: number, body: Buffer, headers: Record<string, string> = {}) =>
      tusRequest(
        url,
        'PATCH',
        { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', ...headers },
        body,
      );
    expect((await patch(0, data)).headers.get('upload-offset')).toBe(String(100 * KiB));
    expect((await patch(100 * KiB, Buffer.alloc(0))).headers.get('upload-offset')).toBe(String(100 * KiB));
    const last = await patch(100 * KiB, Buffer.alloc(0), { 'Upload-Length': String(100 * KiB) });
    expect(last.status).toBe(204);
    expect(stored(emulator, url)).toEqual({ sha256: sha256(data), parts: 2 });
    expect(emulator.keys(BUCKET).filter((key) => key.includes('remainder'))).toEqual([]);
  });

  it.each([
    ['aws', [64, 36, 70, 70], [false, false, true, false, false]],
    ['r2', [64, 64, 64], [true, true, true, true, false]],
  ] as const)(
    'fits parts to each PATCH where S3 allows (%s): no remainder waits for the next one',
    async (profile, partsBeforeLast, remainders) => {
      const { emulator, tus } = await setUp(`fit-${profile}`, {
        profile,
        partSize: 64 * KiB,
        minPartSize: 16 * KiB,
      });
      const patches = [100, 70, 10, 60, 30].map((size) => randomBytes(size * KiB));
      const data = Buffer.concat(patches);
      const created = await tusRequest(tus.endpoint, 'POST', { 'Upload-Length': String(data.length) });
      const url = created.headers.get('location')!;
      let offset = 0;
      const left: boolean[] = [];
      let parts: number[] = [];
      for (const body of patches) {
        parts = emulator.multipartUploads(BUCKET)[0]?.parts.map(({ size }) => size / KiB) ?? parts;
        const patch = await tusRequest(
          url,
          'PATCH',
          { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
          body,
        );
        expect(patch.status).toBe(204);
        offset += body.length;
        left.push(emulator.keys(BUCKET).some((key) => key.includes('remainder')));
      }
      // 100 KiB: 64 + 36; 70: one part (its 6 KiB tail joins it); 10: too short, kept as a
      // remainder; 60: with those 10, one part of 70; 30: the last part. R2: 64 KiB each.
      expect(parts).toEqual(partsBeforeLast);
      expect(left).toEqual(remainders);
      expect(stored(emulator, url)).toEqual({ sha256: sha256(data), parts: 5 });
    },
  );

  it('completes on R2, which refuses parts of unequal size', async () => {
    const { emulator, tus } = await setUp('r2', { profile: 'r2', partSize: 64 * KiB });
    const data = randomBytes(700 * KiB + 1);
    // Client chunks that never line up with parts: every PATCH leaves a remainder.
    const url = await tusUpload(tus.endpoint, data, { chunkSize: 45 * KiB + 7 });
    expect(stored(emulator, url)).toEqual({ sha256: sha256(data), parts: 11 });
  });
});
