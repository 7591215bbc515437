import { describe, expect, it } from 'vitest';
import {
  hasPresignedMultipartUploads,
  type PresignedMultipartUploads,
} from '../../capabilities/presigned-multipart-uploads.js';
import { hasPresignedUrls, type PresignedUrls } from '../../capabilities/presigned-urls.js';
import type { Driver } from '../../driver.js';
import { NotFoundError } from '../../errors.js';
import type { ConformanceContext } from '../context.js';
import { readContent, writeContent } from '../io.js';
import { randomBuffer } from '../streams.js';

const MiB = 1024 * 1024;

/** The driver, or a skipped test where it lacks the capability (the local driver presigns nothing). */
function withCapability<D>(
  context: ConformanceContext,
  guard: (driver: Driver) => driver is Driver & D,
  skip: () => void,
): Driver & D {
  const { driver } = context;
  if (!guard(driver)) skip();
  return driver as Driver & D;
}

/** The optional capabilities that let clients move bytes straight to and from the backend. */
export function describePresignedUrls(context: ConformanceContext): void {
  describe('presigned URLs', () => {
    it('a presigned write takes a body of the signed length and refuses any other', async ({ skip }) => {
      const driver = withCapability<PresignedUrls>(context, hasPresignedUrls, skip);
      if (!context.options.checksSignatures) skip();
      const key = `${context.prefix()}put.bin`;
      const content = randomBuffer(1000, 'presigned put');
      const url = await driver.presignWrite(key, {
        expiresIn: 60,
        contentType: 'application/octet-stream',
        contentLength: content.length,
      });
      const put = (body: Buffer) =>
        fetch(url, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } });

      expect((await put(Buffer.concat([content, Buffer.from('x')]))).status).toBeGreaterThanOrEqual(400);
      expect(await driver.exists(key)).toBe(false);
      expect((await put(content)).status).toBe(200);
      expect(await readContent(driver, key)).toEqual(content);
    });

    it('a presigned read answers ranges with the requested type and disposition', async ({ skip }) => {
      const driver = withCapability<PresignedUrls>(context, hasPresignedUrls, skip);
      const key = `${context.prefix()}get.bin`;
      const content = randomBuffer(1000, 'presigned get');
      await writeContent(driver, key, content, { contentType: 'application/octet-stream' });
      const disposition = `attachment; filename="report.pdf"; filename*=UTF-8''r%C3%A9port.pdf`;
      const url = await driver.presignRead(key, {
        expiresIn: 60,
        responseContentType: 'application/pdf',
        responseContentDisposition: disposition,
      });
      const response = await fetch(url, { headers: { range: 'bytes=10-19' } });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-disposition')).toBe(disposition);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(content.subarray(10, 20));
    });

    it('a presigned read stops working when it expires', async ({ skip }) => {
      const driver = withCapability<PresignedUrls>(context, hasPresignedUrls, skip);
      if (!context.options.checksSignatures) skip();
      const key = `${context.prefix()}expired.bin`;
      await writeContent(driver, key, 'soon gone');
      const signedAt = new Date(Date.now() - 120_000);
      const live = await driver.presignRead(key, { expiresIn: 600, signedAt });
      const expired = await driver.presignRead(key, { expiresIn: 60, signedAt });
      expect(await (await fetch(live)).text()).toBe('soon gone');
      const refused = await fetch(expired);
      await refused.arrayBuffer();
      expect(refused.status).toBe(403);
    });

    it('parts sent to presigned URLs join into the file on completion', async ({ skip }) => {
      const driver = withCapability<PresignedMultipartUploads>(context, hasPresignedMultipartUploads, skip);
      const key = `${context.prefix()}parts.bin`;
      const content = randomBuffer(5 * MiB + 1000, 'presigned parts');
      const { uploadId, partSize } = await driver.startMultipartUpload(key, {
        size: content.length,
        contentType: 'video/mp4',
      });
      expect(partSize).toBeGreaterThanOrEqual(5 * MiB);
      const send = async (partNumber: number, body: Buffer) => {
        const url = await driver.presignUploadPart(key, uploadId, partNumber, { expiresIn: 60 });
        const response = await fetch(url, { method: 'PUT', body });
        expect(response.status).toBe(200);
        return response.headers.get('etag')!;
      };
      // In any order, as parallel clients send them.
      const second = await send(2, content.subarray(5 * MiB));
      const first = await send(1, content.subarray(0, 5 * MiB));
      expect(await driver.exists(key)).toBe(false);
      const parts = await driver.listUploadedParts(key, uploadId);
      expect(parts.map(({ partNumber, size }) => [partNumber, size])).toEqual([
        [1, 5 * MiB],
        [2, 1000],
      ]);
      await driver.completeMultipartUpload(key, uploadId, [
        { partNumber: 2, etag: second },
        { partNumber: 1, etag: first },
      ]);
      // Compared whole, not with toEqual: a deep comparison of 5 MiB takes vitest seconds.
      expect((await readContent(driver, key)).equals(content)).toBe(true);
    });

    it('an aborted multipart upload leaves nothing behind, and aborting again is no error', async ({
      skip,
    }) => {
      const driver = withCapability<PresignedMultipartUploads>(context, hasPresignedMultipartUploads, skip);
      const key = `${context.prefix()}aborted.bin`;
      const { uploadId } = await driver.startMultipartUpload(key, {});
      const url = await driver.presignUploadPart(key, uploadId, 1, { expiresIn: 60 });
      expect((await fetch(url, { method: 'PUT', body: Buffer.from('part') })).status).toBe(200);
      await driver.abortMultipartUpload(key, uploadId);
      await driver.abortMultipartUpload(key, uploadId);
      await expect(driver.listUploadedParts(key, uploadId)).rejects.toBeInstanceOf(NotFoundError);
      expect(await driver.exists(key)).toBe(false);
    });
  });
}
