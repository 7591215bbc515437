import { S3Error } from '../s3-error.js';

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * The byte range a `Range: bytes=…` header selects, or undefined for the whole object.
 * As S3 does, a malformed or multi-range header is ignored, an unsatisfiable one is 416.
 */
export function requestedRange(header: string | null, size: number): ByteRange | undefined {
  const match = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): S3Error {
  return new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', {
    'content-range': `bytes */${size}`,
  });
}
