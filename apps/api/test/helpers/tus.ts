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
