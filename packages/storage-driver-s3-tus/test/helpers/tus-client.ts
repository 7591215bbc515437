import { createHash } from 'node:crypto';
import { clientDefaults, tusRequest, uploadWithClient } from '@stowage/test-tus';
import { Upload, type UploadOptions } from 'tus-js-client';

export { tusRequest };

/** Uploads with tus-js-client (Node) and answers the upload's URL once the server has all bytes. */
export function tusUpload(endpoint: string, data: Buffer, options: UploadOptions = {}): Promise<string> {
  return uploadWithClient(data, { endpoint, ...options });
}

/** Starts an upload and aborts it (as a client that goes away) once more than `after` bytes were sent. */
export function abortedTusUpload(
  endpoint: string,
  data: Buffer,
  after: number,
  options: UploadOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload: Upload = new Upload(data, {
      ...clientDefaults,
      endpoint,
      ...options,
      onProgress: (sent) => {
        if (sent > after) upload.abort().then(() => resolve(upload.url!), reject);
      },
      onSuccess: () => reject(new Error('the upload finished before it could be aborted')),
      onError: reject,
    });
    upload.start();
  });
}

export function sha256(data: Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function idOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** Bytes that differ at every offset that matters (not a repeated pattern a bug could hide in). */
export function randomBytes(size: number): Buffer {
  const data = Buffer.allocUnsafe(size);
  let x = 0x9e3779b9 ^ size;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data.writeInt32LE(x | 0, i);
  }
  for (let i = size - (size % 4); i < size; i++) data[i] = i & 0xff;
  return data;
}

/** Creates an upload of `size` bytes and sends the first `sent` of them: an upload left unfinished. */
export async function partialUpload(endpoint: string, data: Buffer, sent: number): Promise<string> {
  const created = await tusRequest(endpoint, 'POST', { 'Upload-Length': String(data.length) });
  const url = created.headers.get('location')!;
  const patched = await tusRequest(
    url,
    'PATCH',
    { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    data.subarray(0, sent),
  );
  if (patched.status !== 204) throw new Error(`PATCH answered ${patched.status}`);
  return url;
}
