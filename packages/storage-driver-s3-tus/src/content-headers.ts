/** Upload-Metadata as @tus/server parses it. */
export type UploadMetadata = Record<string, string | null> | undefined;

/** `filetype` as the object's Content-Type, when it looks like a media type. */
export function contentTypeOf(metadata: UploadMetadata): string | undefined {
  const type = metadata?.filetype ?? undefined;
  return type && /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(type) ? type : undefined;
}

/**
 * `filename` as the object's Content-Disposition: an ASCII fallback in `filename` and,
 * for any other name, the exact name RFC 5987-encoded in `filename*`.
 */
export function contentDispositionOf(metadata: UploadMetadata): string | undefined {
  const name = metadata?.filename ?? undefined;
  if (!name) return undefined;
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  if (fallback === name) return `attachment; filename="${name}"`;
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
