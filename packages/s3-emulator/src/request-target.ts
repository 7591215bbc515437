/** The bucket and key a request addresses. */
export interface RequestTarget {
  bucket: string | undefined;
  key: string | undefined;
}

/**
 * Path-style (`host/bucket/key`) or virtual-host-style (`bucket.host/key`) addressing. A provider
 * without virtual hosts ignores the subdomain and reads the path as path-style, as MinIO without
 * MINIO_DOMAIN does: `bucket.host/key` then addresses bucket `key`.
 */
export function requestTarget(url: URL, endpointHost: string, virtualHostStyle: boolean): RequestTarget {
  const host = url.host.toLowerCase();
  const path = url.pathname.slice(1);
  if (host !== endpointHost && virtualHostStyle) {
    const bucket = host.slice(0, host.length - endpointHost.length - 1);
    return { bucket, key: path === '' ? undefined : decodeURIComponent(path) };
  }
  if (path === '') return { bucket: undefined, key: undefined };
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decodeURIComponent(path), key: undefined };
  const key = path.slice(slash + 1);
  return {
    bucket: decodeURIComponent(path.slice(0, slash)),
    key: key === '' ? undefined : decodeURIComponent(key),
  };
}
