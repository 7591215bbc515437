import { createTestDatabase } from '@stowage/test-pg-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytes, client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';

const pgServer = inject('pgServer');

describe.skipIf(!pgServer)('metadata in PostgreSQL (DB_CLIENT=pg)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  beforeAll(async () => {
    database = await createTestDatabase(pgServer!, 'api');
    api = await startApi({ DB_CLIENT: 'pg', DB_CONNECTION_STRING: database.connectionString });
    http = client(api.url, api.token);
  });
  afterAll(async () => {
    await api?.close();
    await database?.drop();
  });

  it('keeps records there: upload, list, filter, update, delete', async () => {
    const content = bytes(5000);
    const file = await http.uploadOk({ title: 'pg' }, { name: 'a.png', type: 'image/png', content });
    expect(file).toMatchObject({
      filesize: 5000,
      checksum: sha256(content),
      filename_disk: `${file.id}.png`,
    });
    await http.uploadOk({}, { name: 'b.txt', type: 'text/plain', content: bytes(10) });
    const images = await http.json<{ data: FileJson[] }>('/files?filter[type][_starts_with]=image/');
    expect(images.body.data.map((f) => f.id)).toEqual([file.id]);
    expect(typeof images.body.data[0]!.filesize).toBe('number');
    expect((await http.patch(file.id, { title: 'renamed' })).body.data.title).toBe('renamed');
    expect(sha256((await http.download(file.id)).body)).toBe(sha256(content));
    expect((await http.fetch(`/files/${file.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await http.json(`/files/${file.id}`)).status).toBe(404);
  });
});
