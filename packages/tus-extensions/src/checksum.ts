import { createHash, type Hash } from 'node:crypto';
import { EXTENSION_ERRORS } from './errors.js';

/** Upload-Checksum algorithms, as tus names them, with the name Node's crypto knows them by. */
const ALGORITHMS = { sha1: 'sha1', md5: 'md5', sha256: 'sha256' } as const;
export type ChecksumAlgorithm = keyof typeof ALGORITHMS;
export const CHECKSUM_ALGORITHMS = Object.keys(ALGORITHMS) as ChecksumAlgorithm[];

/** What the client says the body of its request hashes to. */
export interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  digest: Buffer;
}

/** The Upload-Checksum header, or undefined when absent; tus errors (400) for a malformed or unsupported one. */
export function parseUploadChecksum(header: string | null | undefined): ExpectedChecksum | undefined {
  if (header === null || header === undefined) return undefined;
  const match = header.trim().match(/^(\S+) +([A-Za-z0-9+/]+={0,2})$/);
  if (!match) throw EXTENSION_ERRORS.INVALID_CHECKSUM;
  const algorithm = match[1]!.toLowerCase();
  if (!Object.hasOwn(ALGORITHMS, algorithm)) throw EXTENSION_ERRORS.UNSUPPORTED_CHECKSUM_ALGORITHM;
  return { algorithm: algorithm as ChecksumAlgorithm, digest: Buffer.from(match[2]!, 'base64') };
}

/** Hashes a request body as it passes, to compare with what the client declared at its end. */
export class BodyChecksum {
  private readonly hash: Hash;

  constructor(private readonly expected: ExpectedChecksum) {
    this.hash = createHash(ALGORITHMS[expected.algorithm]);
  }

  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  matches(): boolean {
    return this.hash.digest().equals(this.expected.digest);
  }
}
