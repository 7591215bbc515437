import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BodyChecksum, parseUploadChecksum } from '../src/checksum.js';
import { parseUploadConcat } from '../src/concat-header.js';

describe('Upload-Checksum', () => {
  it('is parsed into an algorithm and a digest, and checks a body', () => {
    const body = Buffer.from('hello tus');
    const header = `sha1 ${createHash('sha1').update(body).digest('base64')}`;
    const expected = parseUploadChecksum(header)!;
    expect(expected.algorithm).toBe('sha1');
    const matching = new BodyChecksum(expected);
    matching.update(body.subarray(0, 3));
    matching.update(body.subarray(3));
    expect(matching.matches()).toBe(true);
    const other = new BodyChecksum(expected);
    other.update(Buffer.from('hello tuz'));
    expect(other.matches()).toBe(false);
  });

  it('is absent, refused when malformed (400) or of an unsupported algorithm (400)', () => {
    expect(parseUploadChecksum(null)).toBeUndefined();
    expect(() => parseUploadChecksum('sha256')).toThrow(expect.objectContaining({ status_code: 400 }));
    expect(() => parseUploadChecksum('sha256 not base64!')).toThrow(
      expect.objectContaining({ status_code: 400 }),
    );
    expect(() => parseUploadChecksum('crc32 AAAA')).toThrow(
      expect.objectContaining({ status_code: 400, body: expect.stringMatching(/Unsupported/) }),
    );
  });
});

describe('Upload-Concat', () => {
  it('is partial or final with the partials in order', () => {
    expect(parseUploadConcat(null)).toBeUndefined();
    expect(parseUploadConcat('partial')).toEqual({ kind: 'partial' });
    expect(parseUploadConcat('final;/files/a  http://x/files/b')).toEqual({
      kind: 'final',
      urls: ['/files/a', 'http://x/files/b'],
    });
    expect(() => parseUploadConcat('final;')).toThrow(expect.objectContaining({ status_code: 400 }));
    expect(() => parseUploadConcat('whole')).toThrow(expect.objectContaining({ status_code: 400 }));
  });
});
