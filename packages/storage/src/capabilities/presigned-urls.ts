import type { Driver } from '../driver.js';

export interface PresignOptions {
  /** Seconds the URL stays valid, counted from `signedAt`. */
  expiresIn: number;
  contentType?: string;
  /**
   * When the URL's validity starts (default: now). A time rounded down to a window
   * makes repeated requests in that window get the same URL, so that browsers and
   * CDNs can reuse what they fetched through it.
   */
  signedAt?: Date;
}

export interface PresignReadOptions extends Omit<PresignOptions, 'contentType'> {
  /** The `Content-Type` the download answers with, whatever the stored object says. */
  responseContentType?: string;
  /** The `Content-Disposition` the download answers with (keeps the file's name). */
  responseContentDisposition?: string;
}

export interface PresignWriteOptions extends PresignOptions {
  /** Signed into the URL: an upload of any other length is refused by the backend. */
  contentLength?: number;
}

/** Drivers whose clients can fetch or upload a file directly, bypassing the API. */
export interface PresignedUrls {
  presignRead(key: string, options: PresignReadOptions): Promise<string>;
  presignWrite(key: string, options: PresignWriteOptions): Promise<string>;
}

export function hasPresignedUrls<D extends Driver>(driver: D): driver is D & PresignedUrls {
  const candidate = driver as Partial<PresignedUrls>;
  return typeof candidate.presignRead === 'function' && typeof candidate.presignWrite === 'function';
}
