import type { Driver } from '../driver.js';

export interface PresignOptions {
  /** Seconds the URL stays valid. */
  expiresIn: number;
  contentType?: string;
}

/** Drivers whose clients can fetch or upload a file directly, bypassing the API. */
export interface PresignedUrls {
  presignRead(key: string, options: PresignOptions): Promise<string>;
  presignWrite(key: string, options: PresignOptions): Promise<string>;
}

export function hasPresignedUrls<D extends Driver>(driver: D): driver is D & PresignedUrls {
  const candidate = driver as Partial<PresignedUrls>;
  return typeof candidate.presignRead === 'function' && typeof candidate.presignWrite === 'function';
}
