import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { S3Error } from './s3-error.js';

/** Base64 digests S3 verifies, by `x-amz-checksum-<name>`; CRC32C and CRC64NVME are taken unverified. */
const digests: Record<string, (body: Buffer) => string> = {
  'content-md5': (body) => createHash('md5').update(body).digest('base64'),
  'x-amz-checksum-crc32': (body) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(crc32(body));
    return bytes.toString('base64');
  },
  'x-amz-checksum-sha1': (body) => createHash('sha1').update(body).digest('base64'),
  'x-amz-checksum-sha256': (body) => createHash('sha256').update(body).digest('base64'),
};

/**
 * Refuses a payload whose Content-MD5 or `x-amz-checksum-*` (header, or aws-chunked trailer)
 * does not match it, with 400 BadDigest as S3 does: a body changed on its way is never stored.
 */
export function checkDigests(body: Buffer, declared: Map<string, string>): Buffer {
  for (const [name, digest] of Object.entries(digests)) {
    const value = declared.get(name);
    if (value !== undefined && value !== digest(body)) {
      throw new S3Error(400, 'BadDigest', `The ${name} you specified did not match the calculated checksum.`);
    }
  }
  return body;
}
