import type { client } from './http.js';

type Http = ReturnType<typeof client>;

/** POST /files/tus for `length` bytes on `location`; answers the upload's path. */
export async function createUpload(http: Http, length: number, location: string): Promise<string> {
  const created = await http.fetch('/files/tus', {
    method: 'POST',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-length': String(length),
      'upload-metadata': `storage ${Buffer.from(location).toString('base64')}`,
    },
  });
  if (created.status !== 201) throw new Error(`creation answered ${created.status}: ${await created.text()}`);
  return new URL(created.headers.get('location')!).pathname;
}

/** One PATCH of `chunk` at `offset`. */
export function patchUpload(http: Http, path: string, offset: number, chunk: Buffer): Promise<Response> {
  return http.fetch(path, {
    method: 'PATCH',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    body: chunk,
  });
}

/** The upload's offset as HEAD reports it. */
export async function headOffset(http: Http, path: string): Promise<number> {
  const head = await http.fetch(path, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } });
  if (head.status !== 200) throw new Error(`HEAD answered ${head.status}`);
  return Number(head.headers.get('upload-offset'));
}
