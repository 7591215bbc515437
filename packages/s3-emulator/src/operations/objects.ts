import { S3Error } from '../s3-error.js';
import { el, xmlElements, xmlText } from '../xml.js';
import { emptyResponse, type OperationContext, type OperationHandler, xmlResponse } from './context.js';
import { md5Etag, objectHeaders, requestedAttributes, sseHeaders } from './object-attributes.js';
import { requestedRange } from './range.js';

export const putObject: OperationHandler = async (context) => {
  const bucket = context.store.bucket(context.bucket);
  const attributes = requestedAttributes(context);
  const body = await context.body();
  if (body.length > context.limits.maxObjectSize) {
    throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size');
  }
  if (context.headers.get('if-none-match') === '*' && bucket.objects.has(context.key)) {
    throw new S3Error(
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    );
  }
  const etag = md5Etag(body);
  bucket.put(context.key, { ...attributes, body, etag, lastModified: new Date(), partsCount: undefined });
  return emptyResponse(200, { etag, ...sseHeaders(attributes) });
};

/** 304/412 for If-None-Match / If-Match, as S3 checks them before anything else. */
function checkPreconditions(context: OperationContext, etag: string): Response | undefined {
  const ifMatch = context.headers.get('if-match');
  if (ifMatch !== null && !etagListIncludes(ifMatch, etag)) {
    throw new S3Error(
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    );
  }
  const ifNoneMatch = context.headers.get('if-none-match');
  if (ifNoneMatch !== null && etagListIncludes(ifNoneMatch, etag)) return emptyResponse(304, { etag });
  return undefined;
}

function etagListIncludes(list: string, etag: string): boolean {
  return list.split(',').some((candidate) => {
    const trimmed = candidate.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** Query parameters that override response headers (presigned downloads use them). */
const responseOverrides = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-cache-control': 'cache-control',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
};

function readObject(context: OperationContext, withBody: boolean): Response {
  const object = context.store.bucket(context.bucket).object(context.key);
  const unchanged = checkPreconditions(context, object.etag);
  if (unchanged) return unchanged;
  const headers = objectHeaders(object);
  for (const [param, header] of Object.entries(responseOverrides)) {
    const value = context.query.get(param);
    if (value !== null) headers[header] = value;
  }
  const size = object.body.length;
  const range = requestedRange(context.headers.get('range'), size);
  if (!range) {
    headers['content-length'] = String(size);
    return new Response(withBody ? object.body : null, { status: 200, headers });
  }
  headers['content-length'] = String(range.end - range.start + 1);
  headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
  return new Response(withBody ? object.body.subarray(range.start, range.end + 1) : null, {
    status: 206,
    headers,
  });
}

export const getObject: OperationHandler = (context) => readObject(context, true);
export const headObject: OperationHandler = (context) => readObject(context, false);

export const deleteObject: OperationHandler = (context) => {
  context.store.bucket(context.bucket).delete(context.key);
  return emptyResponse(204);
};

export const deleteObjects: OperationHandler = async (context) => {
  const bucket = context.store.bucket(context.bucket);
  const document = (await context.body()).toString('utf8');
  const keys = xmlElements(document, 'Object').map((object) => xmlText(object, 'Key'));
  if (keys.length === 0 || keys.length > 1000 || keys.some((key) => key === undefined)) {
    throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate');
  }
  const quiet = xmlText(document, 'Quiet') === 'true';
  for (const key of keys) bucket.delete(key as string);
  return xmlResponse(el('DeleteResult', quiet ? [] : keys.map((key) => el('Deleted', el('Key', key)))));
};
