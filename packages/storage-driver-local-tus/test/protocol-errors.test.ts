import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { keyOf, startLocalTus, tusRequest } from './harness.js';

const OCTETS = { 'Content-Type': 'application/offset+octet-stream' };

async function setUp(maxSize?: number) {
  const { driver, server } = await startLocalTus({}, { maxSize });
  const create = async (length: number) => {
    const response = await tusRequest(server.endpoint, 'POST', { 'Upload-Length': String(length) });
    expect(response.status).toBe(201);
    return response.headers.get('location')!;
  };
  return { driver, server, create };
}

async function offsetOf(url: string) {
  return (await tusRequest(url, 'HEAD')).headers.get('upload-offset');
}

describe('LocalTusDriver: refused requests change nothing', () => {
  it('a PATCH at the wrong offset answers 409', async () => {
    const { driver, create } = await setUp();
    const url = await create(10);
    expect(
      (await tusRequest(url, 'PATCH', { ...OCTETS, 'Upload-Offset': '0' }, Buffer.from('abcd'))).status,
    ).toBe(204);

    const conflict = await tusRequest(url, 'PATCH', { ...OCTETS, 'Upload-Offset': '2' }, Buffer.from('xyz'));
    expect(conflict.status).toBe(409);
    expect(await offsetOf(url)).toBe('4');

    expect(
      (await tusRequest(url, 'PATCH', { ...OCTETS, 'Upload-Offset': '4' }, Buffer.from('efghij'))).status,
    ).toBe(204);
    expect((await driver.stat(keyOf(url))).size).toBe(10);
  });

  it('an upload longer than the maximum size answers 413', async () => {
    const { server } = await setUp(1000);
    expect((await tusRequest(server.endpoint, 'POST', { 'Upload-Length': '1001' })).status).toBe(413);
  });

  it('a PATCH with more bytes than the upload length answers 413', async () => {
    const { driver, create } = await setUp();
    const url = await create(5);
    const tooLong = await tusRequest(
      url,
      'PATCH',
      { ...OCTETS, 'Upload-Offset': '0' },
      Buffer.from('123456'),
    );
    expect(tooLong.status).toBe(413);
    expect(await offsetOf(url)).toBe('0');
    expect(await driver.exists(keyOf(url))).toBe(false);
  });
});

describe('LocalTusDriver: upload ids', () => {
  it.each([['a/b.bin'], ['.stowage/x.bin'], ['../x.bin']])(
    'refuses a namingFunction id that is no key at the root (%s), creating nothing',
    async (id) => {
      const { root, server } = await startLocalTus({}, { namingFunction: () => id });
      expect((await tusRequest(server.endpoint, 'POST', { 'Upload-Length': '1' })).status).toBe(500);
      expect(await readdir(root, { recursive: true })).toEqual([]);
    },
  );
});
