import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { TusServer } from '@stowage/tus-extensions';
import type { ServerOptions } from '@tus/server';
import type { DataStore } from '@tus/utils';
import { Upload, type UploadOptions } from 'tus-js-client';

export interface RunningTusServer {
  /** The creation URL, `http://127.0.0.1:<port>/files`. */
  endpoint: string;
  /** Stops it, dropping open connections; calling it again is harmless. */
  close(): Promise<void>;
}

/** The project's tus server (@tus/server with checksums, concatenation, …) in front of the store on a random loopback port, naming uploads with a UUID as the API does. */
export async function startTusServer(
  datastore: DataStore,
  options: Partial<ServerOptions> = {},
): Promise<RunningTusServer> {
  const tus = new TusServer({ path: '/files', datastore, namingFunction: () => randomUUID(), ...options });
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
  return { endpoint: `http://127.0.0.1:${(http.address() as AddressInfo).port}/files`, close };
}

/** Client options without retries, so that a failure surfaces at once. */
export const clientDefaults: UploadOptions = { retryDelays: [], storeFingerprintForResuming: false };

/** Uploads with tus-js-client (Node); resolves with the upload's URL once the server has every byte. */
export function uploadWithClient(data: Buffer, options: UploadOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload: Upload = new Upload(data, {
      ...clientDefaults,
      ...options,
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
    upload.start();
  });
}

/** A raw tus request, for what tus-js-client never sends (a wrong offset, too many bytes). */
export function tusRequest(url: string, method: string, headers: Record<string, string> = {}, body?: Buffer) {
  return fetch(url, { method, headers: { 'Tus-Resumable': '1.0.0', ...headers }, body });
}
