import { createHash } from 'node:crypto';
import { invalidArgument, notImplemented, S3Error } from '../s3-error.js';
import type { ObjectAttributes, StoredObject, StoredSse } from '../store.js';
import type { OperationContext } from './context.js';

const cannedAcls = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
]);

/** `"<hex md5>"`, the ETag of a single-request upload or of a part. */
export function md5Etag(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** The ACL a request asks for, checked against S3's canned ACLs and the provider's support. */
export function requestedAcl({ headers, profile }: OperationContext): string {
  const acl = headers.get('x-amz-acl');
  if (acl === null) return 'private';
  if (profile.rejectsCannedAcl === 'all-but-private' && acl !== 'private') {
    throw notImplemented(`Header 'x-amz-acl' with value '${acl}' not implemented`);
  }
  if (!cannedAcls.has(acl)) throw invalidArgument(`Invalid canned ACL: ${acl}`);
  return acl;
}

/** The server-side encryption a request asks for, as this provider stores it. */
export function requestedSse({ headers, profile }: OperationContext): {
  sse: StoredSse;
  kmsKeyId: string | undefined;
} {
  const sse = headers.get('x-amz-server-side-encryption');
  const kmsKeyId = headers.get('x-amz-server-side-encryption-aws-kms-key-id') ?? undefined;
  if (sse === null) {
    if (kmsKeyId !== undefined) {
      throw invalidArgument(
        'x-amz-server-side-encryption-aws-kms-key-id requires x-amz-server-side-encryption: aws:kms',
      );
    }
    return { sse: undefined, kmsKeyId: undefined };
  }
  if (sse === 'AES256') {
    if (kmsKeyId !== undefined) throw invalidArgument('A KMS key id is only valid with aws:kms encryption');
    return { sse: profile.ignoresSseS3 ? undefined : 'AES256', kmsKeyId: undefined };
  }
  if (sse === 'aws:kms') {
    const refusal = profile.rejectsSseKms;
    if (refusal)
      throw new S3Error(refusal.status, refusal.code, `Unsupported server-side encryption: ${sse}`);
    return { sse, kmsKeyId: kmsKeyId ?? 'aws/s3' };
  }
  throw invalidArgument(`Unknown server-side encryption: ${sse}`);
}

/** Content headers and user metadata of a request (what `x-amz-metadata-directive: REPLACE` replaces). */
export function requestedContent(
  headers: Headers,
): Pick<
  ObjectAttributes,
  'contentType' | 'cacheControl' | 'contentDisposition' | 'contentEncoding' | 'metadata'
> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  const contentEncoding = (headers.get('content-encoding') ?? '')
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'aws-chunked')
    .join(', ');
  return {
    contentType: headers.get('content-type') ?? 'binary/octet-stream',
    cacheControl: headers.get('cache-control') ?? undefined,
    contentDisposition: headers.get('content-disposition') ?? undefined,
    contentEncoding: contentEncoding || undefined,
    metadata,
  };
}

export function requestedAttributes(context: OperationContext): ObjectAttributes {
  return { ...requestedContent(context.headers), acl: requestedAcl(context), ...requestedSse(context) };
}

/** Headers that announce how an object is encrypted. */
export function sseHeaders(object: Pick<ObjectAttributes, 'sse' | 'kmsKeyId'>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (object.sse) headers['x-amz-server-side-encryption'] = object.sse;
  if (object.kmsKeyId) headers['x-amz-server-side-encryption-aws-kms-key-id'] = object.kmsKeyId;
  return headers;
}

/** The headers GetObject and HeadObject answer with (before any Range or override). */
export function objectHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    ...sseHeaders(object),
  };
  if (object.cacheControl) headers['cache-control'] = object.cacheControl;
  if (object.contentDisposition) headers['content-disposition'] = object.contentDisposition;
  if (object.contentEncoding) headers['content-encoding'] = object.contentEncoding;
  if (object.partsCount) headers['x-amz-mp-parts-count'] = String(object.partsCount);
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}
