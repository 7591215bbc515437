import { Metadata } from '@tus/utils';
import { Upload, type UploadOptions } from 'tus-js-client';

export interface TusResult {
  url: string;
  id: string;
}

/** Uploads with tus-js-client (no retries: failures surface at once). */
export function tusUpload(
  endpoint: string,
  token: string,
  content: Buffer,
  options: Partial<UploadOptions> = {},
): Promise<TusResult> & { upload: Upload } {
  let upload!: Upload;
  const done = new Promise<TusResult>((resolve, reject) => {
    upload = new Upload(content, {
      endpoint: `${endpoint}/files/tus`,
      headers: { authorization: `Bearer ${token}` },
      chunkSize: 1024 * 1024,
      retryDelays: [],
      ...options,
      onSuccess: () => resolve({ url: upload.url!, id: upload.url!.split('/').pop()! }),
      onError: reject,
    });
    upload.start();
  });
  return Object.assign(done, { upload });
}

/** A tus request by hand (HEAD, PATCH, POST): the protocol's header and the token added. */
export function tusFetch(
  url: string,
  token: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...init.headers },
  });
}

/** Creates an upload of `length` bytes at the API; answers its URL (the test fails on anything but 201). */
export async function createUpload(
  api: string,
  token: string,
  length: number,
  metadata: Record<string, string> = {},
): Promise<string> {
  const response = await tusFetch(`${api}/files/tus`, token, {
    method: 'POST',
    headers: {
      'upload-length': String(length),
      ...(Object.keys(metadata).length > 0 && { 'upload-metadata': Metadata.stringify(metadata) }),
    },
  });
  if (response.status !== 201)
    throw new Error(`creation answered ${response.status}: ${await response.text()}`);
  return response.headers.get('location')!;
}
