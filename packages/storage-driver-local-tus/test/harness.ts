import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, type ServerOptions } from '@tus/server';
import type { DataStore } from '@tus/utils';
import { Upload, type UploadOptions } from 'tus-js-client';
import { afterEach } from 'vitest';

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh folder for a location's root, removed after the test. */
export async function tempRoot(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'stowage-local-tus-test-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

export interface RunningTusServer {
  /** The creation URL, `http://127.0.0.1:<port>/files`. */
  endpoint: string;
  close(): Promise<void>;
}

/** @tus/server over the store on a random loopback port, naming uploads `<uuid>.bin` as the API would; closed after the test. */
export async function startTusServer(
  datastore: DataStore,
  options: Partial<ServerOptions> = {},
): Promise<RunningTusServer> {
  const tus = new Server({
    path: '/files',
    datastore,
    namingFunction: () => `${randomUUID()}.bin`,
    ...options,
  });
  const http = tus.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
    return closed;
  };
  cleanups.push(close);
  return { endpoint: `http://127.0.0.1:${(http.address() as AddressInfo).port}/files`, close };
}

const clientDefaults: UploadOptions = { retryDelays: [], storeFingerprintForResuming: false };

/** Uploads with tus-js-client; resolves with the upload's URL once it succeeded. */
export function uploadWithClient(data: Buffer, options: UploadOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(data, {
      ...clientDefaults,
      ...options,
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
    upload.start();
  });
}

/** Starts an upload with tus-js-client and aborts it once its first chunk is acknowledged; resolves with its URL. */
export function uploadFirstChunk(
  data: Buffer,
  options: UploadOptions & { chunkSize: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(data, {
      ...clientDefaults,
      ...options,
      onError: reject,
      onSuccess: () => reject(new Error('The upload finished before it could be aborted')),
      onChunkComplete: () => {
        upload.abort().then(() => resolve(upload.url!), reject);
      },
    });
    upload.start();
  });
}

export function terminateWithClient(url: string): Promise<void> {
  return Upload.terminate(url, clientDefaults);
}

/** A raw tus request, for what tus-js-client never sends (a wrong offset, too many bytes). */
export function tusRequest(url: string, method: string, headers: Record<string, string> = {}, body?: Buffer) {
  return fetch(url, { method, headers: { 'Tus-Resumable': '1.0.0', ...headers }, body });
}

/** The upload id, which is the key its file lands at. */
export function keyOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').at(-1)!);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
