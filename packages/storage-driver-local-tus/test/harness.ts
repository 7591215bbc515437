import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clientDefaults,
  type RunningTusServer,
  startTusServer as startSharedTusServer,
} from '@stowage/test-tus';
import type { ServerOptions } from '@tus/server';
import type { DataStore } from '@tus/utils';
import { Upload, type UploadOptions } from 'tus-js-client';
import { afterEach } from 'vitest';
import { LocalTusDriver, type LocalTusDriverOptions } from '../src/index.js';

export { tusRequest, uploadWithClient } from '@stowage/test-tus';

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

/** The shared test server over the store, naming uploads `<uuid>.bin` as the API would; closed after the test. */
export async function startTusServer(
  datastore: DataStore,
  options: Partial<ServerOptions> = {},
): Promise<RunningTusServer> {
  const server = await startSharedTusServer(datastore, {
    namingFunction: () => `${randomUUID()}.bin`,
    ...options,
  });
  cleanups.push(server.close);
  return server;
}

/**
 * A LocalTusDriver on a fresh root with the tus server in front of its store, all
 * removed after the test; `uploads()` lists the upload state files.
 */
export async function startLocalTus(
  tus: LocalTusDriverOptions['tus'] = {},
  serverOptions: Partial<ServerOptions> = {},
) {
  const root = await tempRoot();
  const driver = new LocalTusDriver({ root, tus });
  const store = driver.createResumableUploadStore();
  const server = await startTusServer(store, serverOptions);
  return { root, driver, store, server, uploads: () => readdir(join(root, '.stowage', 'tus')) };
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

/** The upload id, which is the key its file lands at. */
export function keyOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').at(-1)!);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
