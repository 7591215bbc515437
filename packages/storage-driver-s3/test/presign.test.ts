import { describe, expect, it } from 'vitest';
import { S3Driver } from '../src/index.js';

const aws = new S3Driver({ bucket: 'b', key: 'AKIDEXAMPLE', secret: 'secret', region: 'eu-west-1' });

describe('presigned URLs on AWS (request checksums WHEN_SUPPORTED)', () => {
  // The SDK would add the CRC32 of an empty body to them, which AWS checks against the real upload.
  it('carry no checksum of a body they cannot know', async () => {
    const urls = [
      await aws.presignWrite('a.bin', { expiresIn: 60, contentType: 'image/png', contentLength: 10 }),
      await aws.presignUploadPart('a.bin', 'upload-1', 3, { expiresIn: 60 }),
    ];
    for (const url of urls) expect(new URL(url).search).not.toMatch(/checksum/i);
    expect(aws.provider.requestChecksumCalculation).toBe('WHEN_SUPPORTED');
  });

  it('sign the length of a write, so that no other length is taken', async () => {
    const url = new URL(await aws.presignWrite('a.bin', { expiresIn: 60, contentLength: 10 }));
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
  });

  it('count their validity from signedAt', async () => {
    const signedAt = new Date('2030-01-02T03:04:05Z');
    const url = new URL(await aws.presignRead('a.bin', { expiresIn: 300, signedAt }));
    expect(url.searchParams.get('X-Amz-Date')).toBe('20300102T030405Z');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
  });
});
