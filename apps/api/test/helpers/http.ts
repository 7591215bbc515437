import { createHash } from 'node:crypto';
import type { FileRow } from '../../src/db/schema.js';

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export function bytes(size: number, seed = 1): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return buffer;
}

export interface UploadPart {
  name?: string;
  type?: string;
  content: Uint8Array;
}

/** A multipart body: the fields first, then the files (all in the field `file`). */
export function formData(fields: Record<string, string>, files: UploadPart[]): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) {
    form.append(
      'file',
      new Blob([file.content], { type: file.type ?? 'application/octet-stream' }),
      file.name ?? 'file.bin',
    );
  }
  return form;
}

/** A file record as the API answers it: the row without the uploader's token hash. */
export type FileJson = Omit<FileRow, 'upload_token_hash'>;

export interface ApiErrorJson {
  message: string;
  extensions: { code: string };
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Requests to the API, with the admin token unless told otherwise. */
export function client(url: string, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  const request = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
  const json = async <T = { data: FileJson; errors: ApiErrorJson[] }>(
    path: string,
    init: RequestInit = {},
  ): Promise<JsonResponse<T>> => {
    const response = await request(path, init);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
    };
  };
  return {
    auth,
    fetch: request,
    json,
    upload: (fields: Record<string, string>, ...files: UploadPart[]) =>
      json('/files', { method: 'POST', body: formData(fields, files) }),
    /** Uploads one file and answers its record, failing the test on anything but 200. */
    async uploadOk(fields: Record<string, string>, file: UploadPart): Promise<FileJson> {
      const { status, body } = await json('/files', { method: 'POST', body: formData(fields, [file]) });
      if (status !== 200) throw new Error(`upload answered ${status}: ${JSON.stringify(body)}`);
      return body.data;
    },
    patch: (id: string, changes: Record<string, unknown>) =>
      json(`/files/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(changes),
      }),
    async download(id: string, headers: Record<string, string> = {}) {
      const response = await request(`/assets/${id}`, { headers });
      return {
        status: response.status,
        headers: response.headers,
        body: Buffer.from(await response.arrayBuffer()),
      };
    },
  };
}
