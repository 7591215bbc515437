import type { ByteRange } from '@stowage/storage';

/**
 * The one byte range a `Range` header asks for. Undefined (serve the whole file, as
 * RFC 9110 allows) for a header that is absent, malformed, in another unit, or asks for
 * several ranges: multipart/byteranges is not offered.
 */
export function parseRangeHeader(header: string | undefined): ByteRange | undefined {
  const match = header?.trim().match(/^bytes=(\d*)-(\d*)$/i);
  if (!match) return undefined;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') return undefined;
  if (first === '') return { suffix: Number(last) };
  const start = Number(first);
  if (last === '') return { start };
  const end = Number(last);
  return end >= start ? { start, end } : undefined;
}
