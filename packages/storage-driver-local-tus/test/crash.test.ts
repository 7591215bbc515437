import { once } from 'node:events';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { randomBuffer, sha256OfStream, spawnTypeScript } from '@stowage/storage/testing';
import { describe, expect, it } from 'vitest';
import { LocalTusDriver } from '../src/index.js';
import {
  keyOf,
  sha256,
  startLocalTus,
  startTusServer,
  tempRoot,
  tusRequest,
  uploadWithClient,
} from './harness.js';

const MiB = 1024 * 1024;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** A tus server in its own process over the root; resolves with its creation URL. */
async function startServerProcess(root: string) {
  const child = spawnTypeScript(here('./fixtures/tus-server-process.ts'), [root], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const [port] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, exited, endpoint: `http://127.0.0.1:${port.toString().trim()}/files` };
}

/** Sends the head of a PATCH body and never the rest, as a client whose server dies mid-request. */
function startEndlessPatch(url: string, offset: number, head: Buffer, declaredLength: number) {
  const patch = request(url, {
    method: 'PATCH',
    headers: {
      'Tus-Resumable': '1.0.0',
      'Upload-Offset': String(offset),
      'Content-Type': 'application/offset+octet-stream',
      'Content-Length': String(declaredLength),
    },
  });
  patch.on('error', () => {}); // the server dies: expected
  patch.write(head);
}

async function waitForSize(path: string, size: number) {
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (((await stat(path).catch(() => undefined))?.size ?? 0) >= size) return;
    await sleep(50);
  }
  throw new Error(`${path} never reached ${size} bytes`);
}

describe('LocalTusDriver after a crash', () => {
  it('resumes a PATCH killed midway (SIGKILL) at the offset last acknowledged, never past it', async () => {
    const root = await tempRoot();
    const data = randomBuffer(4 * MiB, 'crash');
    const server = await startServerProcess(root);
    let key: string;
    try {
      const creation = await tusRequest(server.endpoint, 'POST', { 'Upload-Length': String(data.length) });
      key = keyOf(creation.headers.get('location')!);
      const first = await tusRequest(
        `${server.endpoint}/${key}`,
        'PATCH',
        { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
        data.subarray(0, MiB),
      );
      expect(first.status).toBe(204);
      startEndlessPatch(`${server.endpoint}/${key}`, MiB, data.subarray(MiB, 2 * MiB), data.length - MiB);
      await waitForSize(join(root, '.stowage', 'tus', `${key}.part`), 2 * MiB);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }

    const driver = new LocalTusDriver({ root });
    const restarted = await startTusServer(driver.createResumableUploadStore());
    const url = `${restarted.endpoint}/${key}`;
    // The disk holds the bytes of the killed request, but only the acknowledged ones count.
    expect((await stat(join(root, '.stowage', 'tus', `${key}.part`))).size).toBe(2 * MiB);
    expect((await tusRequest(url, 'HEAD')).headers.get('upload-offset')).toBe(String(MiB));
    expect(await driver.exists(key)).toBe(false);

    await uploadWithClient(data, { uploadUrl: url, chunkSize: MiB });
    expect(await sha256OfStream(await driver.read(key))).toBe(sha256(data));
  });

  it('finishes an upload whose bytes were all acknowledged but not yet renamed to the key', async () => {
    const { root, driver, server } = await startLocalTus();
    const url = (await tusRequest(server.endpoint, 'POST', { 'Upload-Length': '5' })).headers.get(
      'location',
    )!;
    // As if the process died between acknowledging the last byte and the rename.
    const folder = join(root, '.stowage', 'tus');
    await writeFile(join(folder, `${keyOf(url)}.part`), 'hello');
    const record = JSON.parse(await readFile(join(folder, `${keyOf(url)}.json`), 'utf8'));
    await writeFile(join(folder, `${keyOf(url)}.json`), JSON.stringify({ ...record, offset: 5 }));
    expect(await driver.exists(keyOf(url))).toBe(false);

    expect((await tusRequest(url, 'HEAD')).headers.get('upload-offset')).toBe('5');
    expect((await driver.stat(keyOf(url))).size).toBe(5);
  });
});
