import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiErrorJson, bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { createUpload, tusFetch } from './helpers/tus.js';

const MIB = 1024 * 1024;
/** Mounting a tmpfs needs root: CI runs as root; elsewhere without it this skips. */
const canMount = process.getuid?.() === 0 || process.env.CI === 'true';

describe.skipIf(!canMount)('a local location whose disk is full (a 16 MiB tmpfs)', () => {
  let disk: string;
  let root: string;
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  beforeAll(async () => {
    disk = await mkdtemp(join(tmpdir(), 'stowage-full-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', disk]);
    root = join(disk, 'uploads');
    api = await startApi({ STORAGE_LOCAL_ROOT: root });
    http = client(api.url, api.token);
  });
  afterAll(async () => {
    await api?.close();
    if (disk) {
      execFileSync('umount', [disk]);
      await rm(disk, { recursive: true, force: true });
    }
  });

  const free = async () => {
    const stats = await statfs(disk);
    return stats.bavail * stats.bsize;
  };
  /** Takes all but `leave` bytes of the disk with a file outside the location's keys. */
  const fill = async (leave: number) => {
    const filler = join(disk, 'filler');
    await writeFile(filler, Buffer.alloc(Math.max(0, (await free()) - leave)));
    return () => rm(filler);
  };
  const records = async () => (await http.json<{ data: FileJson[] }>('/files')).body.data;
  const leftovers = async () => [
    ...(await readdir(join(root, '.stowage', 'tmp'))),
    ...(await readdir(join(root, '.stowage', 'tus')).catch(() => [])),
  ];
  const tus = (path: string, init: RequestInit & { headers?: Record<string, string> }) =>
    tusFetch(`${api.url}/files/tus${path}`, api.token, init);

  it('POST /files larger than the free space: 507 naming the location, the partial file removed', async () => {
    const before = await free();
    const response = await http.upload({}, { content: bytes(24 * MIB, 1) });
    expect(response.status).toBe(507);
    expect(response.body.errors[0]).toEqual({
      message: 'Storage location "local" is full',
      extensions: { code: 'INSUFFICIENT_STORAGE' },
    });
    expect(await leftovers()).toEqual([]);
    expect(await free()).toBe(before);
    expect(await records()).toEqual([]);
    expect((await http.json('/server/health')).status).toBe(200);
  });

  it('a small POST /files on an almost full disk: 507 too', async () => {
    const release = await fill(64 * 1024);
    try {
      const response = await http.upload({}, { content: bytes(256 * 1024, 2) });
      expect(response.status).toBe(507);
      expect((response.body.errors as ApiErrorJson[])[0]!.extensions.code).toBe('INSUFFICIENT_STORAGE');
      expect(await leftovers()).toEqual([]);
    } finally {
      await release();
    }
  });

  it('a resumable upload longer than the free space is refused at creation', async () => {
    const response = await tus('', { method: 'POST', headers: { 'upload-length': String(32 * MIB) } });
    expect(response.status).toBe(507);
    expect(await response.text()).toMatch(
      /^Storage location "local" has \d+ bytes free; the upload needs 33554432/,
    );
    expect(await records()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('a resumable upload the disk fills under: 507, its acknowledged bytes kept, resumed once space is back', async () => {
    const content = bytes(8 * MIB, 3);
    const url = new URL(await createUpload(api.url, api.token, content.length)).pathname.replace(
      '/files/tus',
      '',
    );
    const patch = (offset: number, body: Buffer) =>
      tus(url, {
        method: 'PATCH',
        headers: { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        body,
      });
    expect((await patch(0, content.subarray(0, 2 * MIB))).status).toBe(204);

    const release = await fill(MIB);
    const refused = await patch(2 * MIB, content.subarray(2 * MIB, 6 * MIB));
    expect(refused.status, await refused.clone().text()).toBe(507);
    expect(await refused.text()).toBe('Storage location "local" is full\n');
    // The bytes of the refused PATCH gave their space back; health works again.
    const head = await tus(url, { method: 'HEAD' });
    expect(head.headers.get('upload-offset')).toBe(String(2 * MIB));
    expect((await http.json('/server/health')).status).toBe(200);

    await release();
    expect((await patch(2 * MIB, content.subarray(2 * MIB))).status).toBe(204);
    const id = url.split('/').pop()!;
    expect((await http.json(`/files/${id}`)).body.data).toMatchObject({
      upload_status: 'ready',
      checksum: sha256(content),
    });
  });
});
