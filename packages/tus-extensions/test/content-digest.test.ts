import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContentDigest } from '../src/content-digest.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Bytes that differ at every offset. */
function patterned(size: number, into: Uint8Array = new Uint8Array(size)): Uint8Array {
  for (let i = 0; i < size; i++) into[i] = (i * 7 + (i >> 8)) & 0xff;
  return into;
}

describe('ContentDigest', () => {
  it('continues from a saved state to the same SHA-256 as one pass', async () => {
    const data = Buffer.from(patterned(100_000));
    const first = await ContentDigest.start();
    first.update(data.subarray(0, 12_345));
    const resumed = await ContentDigest.start(await first.save());
    resumed.update(data.subarray(12_345));
    expect(await resumed.hex()).toBe(sha256(data));
    expect(await (await ContentDigest.start()).hex()).toBe(sha256(new Uint8Array(0)));
  });

  it('hashes bytes of shared memory where they are, in the order given, contiguous or not', async () => {
    const shared = patterned(
      3 * 1024 * 1024 + 17,
      new Uint8Array(new SharedArrayBuffer(3 * 1024 * 1024 + 17)),
    );
    const digest = await ContentDigest.start();
    // Contiguous runs (sent together), a jump back to an earlier range, and a copied chunk in between.
    const pieces = [
      shared.subarray(0, 1000),
      shared.subarray(1000, 2 * 1024 * 1024),
      shared.subarray(2 * 1024 * 1024, shared.length),
      shared.subarray(0, 5),
    ];
    const copied = Buffer.from('between');
    digest.update(pieces[0]!);
    digest.update(pieces[1]!);
    digest.update(copied);
    digest.update(pieces[2]!);
    const saved = await digest.save();
    digest.update(pieces[3]!);
    const all = Buffer.concat([pieces[0]!, pieces[1]!, copied, pieces[2]!, pieces[3]!]);
    expect(await digest.hex()).toBe(sha256(all));
    const resumed = await ContentDigest.start(saved);
    resumed.update(pieces[3]!);
    expect(await resumed.hex()).toBe(sha256(all));
  });

  it('keeps many digests apart, updated in turns', async () => {
    const data = Buffer.from(patterned(64 * 1024));
    const digests = await Promise.all(Array.from({ length: 20 }, () => ContentDigest.start()));
    for (let at = 0; at < data.length; at += 4096)
      digests.forEach((digest, index) => void digest.update(data.subarray(at, at + 4096 - index)));
    const expected = digests.map((_, index) => {
      const hash = createHash('sha256');
      for (let at = 0; at < data.length; at += 4096) hash.update(data.subarray(at, at + 4096 - index));
      return hash.digest('hex');
    });
    expect(await Promise.all(digests.map((digest) => digest.hex()))).toEqual(expected);
  });

  it('refuses a state that is not one: at once by its size, at the first save by its content', async () => {
    await expect(ContentDigest.start(Buffer.from('not a state').toString('base64'))).rejects.toThrow(
      /SHA-256/,
    );
    const forged = await ContentDigest.start(Buffer.alloc(116, 7).toString('base64'));
    forged.update(Buffer.from('bytes'));
    await expect(forged.save()).rejects.toThrow(/SHA-256/);
  });
});
