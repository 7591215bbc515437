import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 signatures of what a URL grants, with the server's signing key
 * (ASSETS_SIGNING_KEY, shared by every instance). Each use signs a different purpose
 * (`asset`, `upload`), so a signature made for one can never pass for another.
 */
export class UrlSigner {
  readonly #key: Buffer;

  constructor(key: string) {
    this.#key = Buffer.from(key, 'utf8');
  }

  /** base64url, 43 characters. */
  sign(purpose: string, ...fields: (string | number)[]): string {
    return createHmac('sha256', this.#key)
      .update([purpose, ...fields].join('\n'))
      .digest('base64url');
  }

  /** Constant-time comparison with the signature these fields would have. */
  verify(signature: string, purpose: string, ...fields: (string | number)[]): boolean {
    const expected = Buffer.from(this.sign(purpose, ...fields), 'base64url');
    const actual = Buffer.from(signature, 'base64url');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
