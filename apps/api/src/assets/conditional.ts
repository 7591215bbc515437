/** The validators of a stored file, for conditional requests (RFC 9110 §13). */
export interface Validators {
  etag: string;
  lastModified: Date;
}

const entityTags = (header: string) => header.split(',').map((tag) => tag.trim());
const opaque = (tag: string) => tag.replace(/^W\//, '');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** If-None-Match (weak comparison) wins over If-Modified-Since, as the RFC orders them. */
export function isNotModified(
  headers: Record<string, string | string[] | undefined>,
  v: Validators,
): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (typeof ifNoneMatch === 'string') {
    return entityTags(ifNoneMatch).some((tag) => tag === '*' || opaque(tag) === opaque(v.etag));
  }
  const ifModifiedSince = headers['if-modified-since'];
  if (typeof ifModifiedSince !== 'string') return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && seconds(v.lastModified) <= Math.floor(since / 1000);
}

/** If-Range: the range applies only if the client's copy is still current (strong comparison). */
export function rangeStillApplies(ifRange: string | undefined, v: Validators): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === v.etag;
  const date = Date.parse(value);
  return !Number.isNaN(date) && Math.floor(date / 1000) === seconds(v.lastModified);
}
