import { createHash } from 'node:crypto';
import { type ContentDigests, hasConcatenation, hasContentDigests } from '@stowage/tus-extensions';
import type { DataStore } from '@tus/utils';
import { type PreviousUpload, Upload } from 'tus-js-client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clientDefaults,
  type RunningTusServer,
  startTusServer,
  tusRequest,
  uploadWithClient,
} from './index.js';

/** A store under test, over a location the suite may fill. */
export interface TusStoreUnderTest {
  store: DataStore;
  /** Another store over the same location, as another process (or this one restarted) would have. */
  newStore(): DataStore;
  /** The finished upload's bytes, read from the location. */
  readFinished(id: string): Promise<Buffer>;
  /** Names of the location's files (finished uploads), not the store's own. */
  listFiles(): Promise<string[]>;
  /** The smallest chunk the store takes whole, in bytes (S3: its part size): the suite's uploads are a few of them. */
  chunkSize: number;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const digestHeader = (algorithm: string, data: Uint8Array) =>
  `${algorithm} ${createHash(algorithm).update(data).digest('base64')}`;
const idOf = (url: string) => decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));

/** Bytes that differ at every offset (no repeated pattern a misplaced copy could hide in). */
function patterned(size: number, seed: number): Buffer {
  const data = Buffer.allocUnsafe(size);
  let x = (0x9e3779b9 ^ seed ^ size) >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return data;
}

/**
 * What every resumable-upload store of the project does beyond @tus/server's own
 * contract: checksums, concatenation and the content's SHA-256, served by the project's
 * TusServer and driven by raw requests and tus-js-client.
 */
export function describeTusStoreConformance(label: string, setup: () => Promise<TusStoreUnderTest>): void {
  describe(`TUS store conformance: ${label}`, () => {
    const servers: RunningTusServer[] = [];
    afterAll(async () => {
      for (const server of servers) await server.close();
    });
    async function start() {
      const subject = await setup();
      const server = await startTusServer(subject.store);
      servers.push(server);
      const restarted = async () => {
        const other = await startTusServer(subject.newStore());
        servers.push(other);
        return other;
      };
      return { ...subject, server, restarted };
    }
    const create = async (endpoint: string, length: number, headers: Record<string, string> = {}) => {
      const response = await tusRequest(endpoint, 'POST', { 'Upload-Length': String(length), ...headers });
      expect(response.status).toBe(201);
      return response.headers.get('location')!;
    };
    const patch = (url: string, offset: number, body: Buffer, headers: Record<string, string> = {}) =>
      tusRequest(
        url,
        'PATCH',
        { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', ...headers },
        body,
      );
    const offsetOf = async (url: string) => (await tusRequest(url, 'HEAD')).headers.get('upload-offset');

    it('advertises checksum and concatenation, and the checksum algorithms', async () => {
      const { server } = await start();
      const response = await fetch(server.endpoint, { method: 'OPTIONS' });
      expect(response.status).toBe(204);
      expect(response.headers.get('tus-extension')?.split(',')).toEqual(
        expect.arrayContaining(['creation', 'termination', 'checksum', 'concatenation']),
      );
      expect(response.headers.get('tus-checksum-algorithm')).toBe('sha1,md5,sha256');
    });

    it.each(['sha1', 'md5', 'sha256'])('takes a PATCH whose %s checksum matches', async (algorithm) => {
      const { server, chunkSize, readFinished } = await start();
      const data = patterned(chunkSize + 1000, 1);
      const url = await create(server.endpoint, data.length);
      const first = data.subarray(0, chunkSize);
      expect((await patch(url, 0, first, { 'Upload-Checksum': digestHeader(algorithm, first) })).status).toBe(
        204,
      );
      const rest = data.subarray(chunkSize);
      const last = await patch(url, chunkSize, rest, { 'Upload-Checksum': digestHeader(algorithm, rest) });
      expect(last.status).toBe(204);
      expect(sha256(await readFinished(idOf(url)))).toBe(sha256(data));
    });

    it('answers a mismatch with 460 and keeps none of its bytes, also for another process', async () => {
      const { server, chunkSize, readFinished, restarted } = await start();
      const data = patterned(2 * chunkSize + 10, 2);
      const url = await create(server.endpoint, data.length);
      expect((await patch(url, 0, data.subarray(0, chunkSize))).status).toBe(204);
      const second = data.subarray(chunkSize, 2 * chunkSize);
      const wrong = digestHeader('sha256', Buffer.from('something else'));
      const refused = await patch(url, chunkSize, second, { 'Upload-Checksum': wrong });
      expect(refused.status).toBe(460);
      expect(await offsetOf(url)).toBe(String(chunkSize));
      // Another process resumes from the offset before the mismatch, and completes correctly.
      const other = await restarted();
      const otherUrl = `${other.endpoint}/${idOf(url)}`;
      expect(await offsetOf(otherUrl)).toBe(String(chunkSize));
      const rest = data.subarray(chunkSize);
      expect(
        (await patch(otherUrl, chunkSize, rest, { 'Upload-Checksum': digestHeader('md5', rest) })).status,
      ).toBe(204);
      expect(sha256(await readFinished(idOf(url)))).toBe(sha256(data));
    });

    it('answers 400 to an unsupported algorithm or a malformed header, storing nothing', async () => {
      const { server } = await start();
      const url = await create(server.endpoint, 100);
      const body = Buffer.alloc(100, 1);
      const crc = await patch(url, 0, body, { 'Upload-Checksum': 'crc32 AAAAAA==' });
      expect(crc.status).toBe(400);
      expect(await crc.text()).toMatch(/Unsupported checksum algorithm/);
      expect((await patch(url, 0, body, { 'Upload-Checksum': 'sha256' })).status).toBe(400);
      expect(await offsetOf(url)).toBe('0');
    });

    it('checks the checksum of the data sent with the creation request', async () => {
      const { server } = await start();
      const body = patterned(500, 3);
      const headers = {
        'Upload-Length': '500',
        'Content-Type': 'application/offset+octet-stream',
        'Upload-Checksum': digestHeader('sha1', Buffer.from('not the body')),
      };
      const refused = await tusRequest(server.endpoint, 'POST', headers, body);
      expect(refused.status).toBe(460);
    });

    it('keeps the SHA-256 of what arrived, across requests and processes, without reading it back', async () => {
      const { store, server, chunkSize, restarted, newStore } = await start();
      if (!hasContentDigests(store)) throw new Error('the store keeps no content digests');
      const data = patterned(2 * chunkSize + 333, 4);
      const url = await create(server.endpoint, data.length);
      expect((await patch(url, 0, data.subarray(0, chunkSize + 100))).status).toBe(204);
      const other = await restarted();
      const otherUrl = `${other.endpoint}/${idOf(url)}`;
      expect((await patch(otherUrl, chunkSize + 100, data.subarray(chunkSize + 100))).status).toBe(204);
      expect(await (newStore() as DataStore & ContentDigests).contentDigest(idOf(url))).toBe(sha256(data));
      expect(await store.contentDigest(idOf(url))).toBe(sha256(data));
    });

    it('answers an empty PATCH at the end of a finished upload with its offset', async () => {
      const { server } = await start();
      const url = await create(server.endpoint, 10);
      expect((await patch(url, 0, Buffer.alloc(10, 7))).status).toBe(204);
      const again = await patch(url, 10, Buffer.alloc(0));
      expect(again.status).toBe(204);
      expect(again.headers.get('upload-offset')).toBe('10');
    });

    it('joins partial uploads (tus-js-client parallelUploads: 4) into a byte-exact file', async () => {
      const { store, server, chunkSize, readFinished, listFiles } = await start();
      expect(hasConcatenation(store)).toBe(true);
      const data = patterned(4 * chunkSize + 4321, 5);
      const url = await uploadWithClient(data, {
        endpoint: server.endpoint,
        parallelUploads: 4,
        chunkSize,
      });
      expect(sha256(await readFinished(idOf(url)))).toBe(sha256(data));
      // The partials are gone once joined: the location holds the final file only.
      expect(await listFiles()).toEqual([idOf(url)]);
      const head = await tusRequest(url, 'HEAD');
      expect(head.headers.get('upload-offset')).toBe(String(data.length));
      expect(head.headers.get('upload-concat')).toMatch(/^final;/);
    });

    it('joins partials of every size, small ones included, in their order', async () => {
      const { server, chunkSize, readFinished } = await start();
      const sizes = [10, chunkSize + 7, 1, 3 * chunkSize, 0, chunkSize - 1];
      const pieces = sizes.map((size, index) => patterned(size, 10 + index));
      const urls: string[] = [];
      for (const piece of pieces) {
        const url = await create(server.endpoint, piece.length, { 'Upload-Concat': 'partial' });
        if (piece.length > 0) expect((await patch(url, 0, piece)).status).toBe(204);
        expect((await tusRequest(url, 'HEAD')).headers.get('upload-concat')).toBe('partial');
        urls.push(url);
      }
      const final = await tusRequest(server.endpoint, 'POST', {
        'Upload-Concat': `final;${urls.map((url) => new URL(url).pathname).join(' ')}`,
      });
      expect(final.status).toBe(201);
      const joined = Buffer.concat(pieces);
      expect(final.headers.get('upload-offset')).toBe(String(joined.length));
      expect(sha256(await readFinished(idOf(final.headers.get('location')!)))).toBe(sha256(joined));
      // Joined partials are removed.
      for (const url of urls) expect((await tusRequest(url, 'HEAD')).status).toBe(404);
    });

    it('refuses a final upload over an unfinished, unknown or non-partial upload, and a PATCH to a final one', async () => {
      const { server, chunkSize } = await start();
      const unfinished = await create(server.endpoint, chunkSize, { 'Upload-Concat': 'partial' });
      const plain = await create(server.endpoint, 1);
      expect((await patch(plain, 0, Buffer.alloc(1))).status).toBe(204);
      const finalOf = (...urls: string[]) =>
        tusRequest(server.endpoint, 'POST', { 'Upload-Concat': `final;${urls.join(' ')}` });
      expect((await finalOf(unfinished)).status).toBe(400);
      expect((await finalOf(plain)).status).toBe(400);
      expect((await finalOf(`${server.endpoint}/no-such-upload`)).status).toBe(400);
      const withLength = await tusRequest(server.endpoint, 'POST', {
        'Upload-Concat': `final;${unfinished}`,
        'Upload-Length': '5',
      });
      expect(withLength.status).toBe(400);
      const piece = await create(server.endpoint, 3, { 'Upload-Concat': 'partial' });
      expect((await patch(piece, 0, Buffer.from('abc'))).status).toBe(204);
      const final = await finalOf(piece);
      expect(final.status).toBe(201);
      expect((await patch(final.headers.get('location')!, 3, Buffer.from('d'))).status).toBe(403);
    });

    it('resumes a parallel upload whose client went away, from the partials it created', async () => {
      const { server, chunkSize, readFinished } = await start();
      const data = patterned(4 * chunkSize, 6);
      // tus-js-client remembers the partials' URLs in its URL storage, as a browser's would.
      const remembered = new Map<string, PreviousUpload>();
      const urlStorage = {
        findAllUploads: async () => [...remembered.values()],
        findUploadsByFingerprint: async () => [...remembered.values()],
        removeUpload: async (key: string) => void remembered.delete(key),
        addUpload: async (_fingerprint: string, upload: PreviousUpload) => {
          remembered.set('upload', { ...upload, urlStorageKey: 'upload' });
          return 'upload';
        },
      };
      const options = {
        ...clientDefaults,
        endpoint: server.endpoint,
        parallelUploads: 2,
        chunkSize,
        storeFingerprintForResuming: true,
        urlStorage,
      };
      await new Promise<void>((resolve, reject) => {
        const upload = new Upload(data, {
          ...options,
          onError: reject,
          onProgress: (sent) => {
            if (sent >= 2 * chunkSize) upload.abort().then(resolve, reject);
          },
        });
        upload.start();
      });
      const url = await new Promise<string>((resolve, reject) => {
        const upload = new Upload(data, {
          ...options,
          onError: reject,
          onSuccess: () => resolve(upload.url!),
        });
        upload.findPreviousUploads().then((previous) => {
          expect(previous[0]?.parallelUploadUrls).toHaveLength(2);
          upload.resumeFromPreviousUpload(previous[0]!);
          upload.start();
        }, reject);
      });
      expect(sha256(await readFinished(idOf(url)))).toBe(sha256(data));
    });
  });
}
