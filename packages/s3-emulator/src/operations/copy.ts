import { invalidArgument, notImplemented, S3Error } from '../s3-error.js';
import type { StoredObject } from '../store.js';
import { el } from '../xml.js';
import { type OperationContext, type OperationHandler, xmlResponse } from './context.js';
import { md5Etag, requestedAcl, requestedContent, requestedSse, sseHeaders } from './object-attributes.js';

/** The object named by `x-amz-copy-source` (`[/]bucket/key[?versionId=…]`, URL-encoded). */
export function copySource(context: OperationContext): { bucket: string; key: string; object: StoredObject } {
  const header = context.headers.get('x-amz-copy-source') ?? '';
  const path = (header.split('?')[0] ?? '').replace(/^\//, '');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw invalidArgument(`Invalid copy source: ${header}`);
  const bucket = decodeURIComponent(path.slice(0, slash));
  const key = decodeURIComponent(path.slice(slash + 1));
  return { bucket, key, object: context.store.bucket(bucket).object(key) };
}

export const copyObject: OperationHandler = (context) => {
  const target = context.store.bucket(context.bucket);
  const source = copySource(context);
  if (context.profile.cannotCopyKmsSource && source.object.sse === 'aws:kms') {
    throw notImplemented('CopyObject of an SSE-KMS encrypted source is not implemented');
  }
  if (source.object.body.length > context.limits.maxCopySize) {
    throw new S3Error(
      400,
      'InvalidRequest',
      `The specified copy source is larger than the maximum allowable size for a copy source: ${context.limits.maxCopySize}`,
    );
  }
  const directive = context.headers.get('x-amz-metadata-directive') ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE')
    throw invalidArgument(`Unknown metadata directive: ${directive}`);
  const sse = requestedSse(context);
  const sameObject = source.bucket === context.bucket && source.key === context.key;
  if (sameObject && directive === 'COPY' && sse.sse === undefined) {
    throw new S3Error(
      400,
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const content = directive === 'REPLACE' ? requestedContent(context.headers) : source.object;
  const copy: StoredObject = {
    contentType: content.contentType,
    cacheControl: content.cacheControl,
    contentDisposition: content.contentDisposition,
    contentEncoding: content.contentEncoding,
    metadata: { ...content.metadata },
    acl: requestedAcl(context),
    ...sse,
    body: source.object.body,
    // One request makes one single-part object: a copy of a multipart object gets a plain MD5 ETag.
    etag: md5Etag(source.object.body),
    lastModified: new Date(),
    partsCount: undefined,
  };
  target.put(context.key, copy);
  return xmlResponse(
    el('CopyObjectResult', el('ETag', copy.etag), el('LastModified', copy.lastModified)),
    sseHeaders(copy),
  );
};
