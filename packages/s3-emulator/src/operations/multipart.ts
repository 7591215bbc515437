import { createHash, randomBytes } from 'node:crypto';
import { invalidArgument, noSuchKey, noSuchUpload, S3Error } from '../s3-error.js';
import type { Bucket, MultipartUpload, StoredPart } from '../store.js';
import { el, xmlElements, xmlText } from '../xml.js';
import {
  emptyResponse,
  integerParam,
  type OperationContext,
  type OperationHandler,
  xmlResponse,
} from './context.js';
import { copySource } from './copy.js';
import { md5Etag, requestedAttributes, sseHeaders } from './object-attributes.js';

const maxPartNumber = 10_000;
let uploadCounter = 0;

/** Upload ids sort in creation order, as ListMultipartUploads lists uploads of one key. */
function newUploadId(): string {
  uploadCounter += 1;
  return `${uploadCounter.toString(36).padStart(8, '0')}-${randomBytes(12).toString('hex')}`;
}

function upload(context: OperationContext, bucket: Bucket): MultipartUpload {
  const uploadId = context.query.get('uploadId') ?? '';
  const found = bucket.uploads.get(uploadId);
  if (!found || found.key !== context.key) throw noSuchUpload(uploadId);
  return found;
}

export const createMultipartUpload: OperationHandler = (context) => {
  const bucket = context.store.bucket(context.bucket);
  const attributes = requestedAttributes(context);
  const uploadId = newUploadId();
  bucket.uploads.set(uploadId, {
    uploadId,
    key: context.key,
    initiated: new Date(),
    attributes,
    parts: new Map(),
  });
  return xmlResponse(
    el(
      'InitiateMultipartUploadResult',
      el('Bucket', bucket.name),
      el('Key', context.key),
      el('UploadId', uploadId),
    ),
    sseHeaders(attributes),
  );
};

function partNumber(context: OperationContext): number {
  const number = Number(context.query.get('partNumber'));
  if (!Number.isInteger(number) || number < 1 || number > maxPartNumber) {
    throw invalidArgument(`Part number must be an integer between 1 and ${maxPartNumber}, inclusive`);
  }
  return number;
}

function storePart(target: MultipartUpload, number: number, body: Buffer): StoredPart {
  const part = { partNumber: number, body, etag: md5Etag(body), lastModified: new Date() };
  target.parts.set(number, part);
  return part;
}

export const uploadPart: OperationHandler = async (context) => {
  const target = upload(context, context.store.bucket(context.bucket));
  const number = partNumber(context);
  const part = storePart(target, number, await context.body());
  return emptyResponse(200, { etag: part.etag, ...sseHeaders(target.attributes) });
};

/** The bytes `x-amz-copy-source-range` selects: unlike GET's Range, it must be a complete, valid `bytes=a-b`. */
function copiedBytes(source: Buffer, rangeHeader: string | null): Buffer {
  if (rangeHeader === null) return source;
  const match = rangeHeader.match(/^bytes=(\d+)-(\d+)$/);
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || start > end || end >= source.length) {
    throw invalidArgument(`Range specified is not valid for source object of size: ${source.length}`);
  }
  return source.subarray(start, end + 1);
}

export const uploadPartCopy: OperationHandler = (context) => {
  const target = upload(context, context.store.bucket(context.bucket));
  const number = partNumber(context);
  const source = copySource(context).object.body;
  const body = copiedBytes(source, context.headers.get('x-amz-copy-source-range'));
  if (body.length > context.limits.maxCopySize) {
    throw invalidArgument(
      `The copy part is larger than the maximum allowable size: ${context.limits.maxCopySize}`,
    );
  }
  const part = storePart(target, number, body);
  return xmlResponse(el('CopyPartResult', el('ETag', part.etag), el('LastModified', part.lastModified)));
};

interface RequestedPart {
  partNumber: number;
  etag: string;
}

function requestedParts(document: string): RequestedPart[] {
  const parts = xmlElements(document, 'Part').map((part) => ({
    partNumber: Number(xmlText(part, 'PartNumber')),
    etag: (xmlText(part, 'ETag') ?? '').replace(/^"|"$/g, ''),
  }));
  if (parts.length === 0) {
    throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate');
  }
  return parts;
}

/** The parts' bodies in order, once checked the way the provider checks them. */
function checkedParts(
  context: OperationContext,
  target: MultipartUpload,
  requested: RequestedPart[],
): StoredPart[] {
  const parts = requested.map((wanted, index) => {
    if (index > 0 && wanted.partNumber <= (requested[index - 1] as RequestedPart).partNumber) {
      throw new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order');
    }
    const part = target.parts.get(wanted.partNumber);
    if (!part || part.etag !== `"${wanted.etag}"`) {
      throw new S3Error(
        400,
        'InvalidPart',
        `One or more of the specified parts could not be found: ${wanted.partNumber}`,
      );
    }
    return part;
  });
  const allButLast = parts.slice(0, -1);
  const tooSmall = allButLast.find((part) => part.body.length < context.limits.minPartSize);
  if (tooSmall) {
    throw new S3Error(
      400,
      'EntityTooSmall',
      `Your proposed upload is smaller than the minimum allowed size (part ${tooSmall.partNumber})`,
    );
  }
  if (context.profile.requiresEqualPartSizes && parts.length > 1) {
    const size = (parts[0] as StoredPart).body.length;
    const lastSize = (parts.at(-1) as StoredPart).body.length;
    if (allButLast.some((part) => part.body.length !== size) || lastSize > size) {
      throw new S3Error(400, 'InvalidPart', 'All non-trailing parts must have the same length.');
    }
  }
  return parts;
}

export const completeMultipartUpload: OperationHandler = async (context) => {
  const bucket = context.store.bucket(context.bucket);
  const target = upload(context, bucket);
  const parts = checkedParts(context, target, requestedParts((await context.body()).toString('utf8')));
  const body = Buffer.concat(parts.map((part) => part.body));
  if (body.length > context.limits.maxObjectSize) {
    throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size');
  }
  const digests = parts.map((part) => Buffer.from(part.etag.slice(1, -1), 'hex'));
  const etag = `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${parts.length}"`;
  bucket.put(target.key, {
    ...target.attributes,
    body,
    etag,
    lastModified: new Date(),
    partsCount: parts.length,
  });
  bucket.uploads.delete(target.uploadId);
  return xmlResponse(
    el(
      'CompleteMultipartUploadResult',
      el('Location', `/${bucket.name}/${target.key}`),
      el('Bucket', bucket.name),
      el('Key', target.key),
      el('ETag', context.profile.emptyCompleteMultipartEtag ? '' : etag),
    ),
    sseHeaders(target.attributes),
  );
};

export const abortMultipartUpload: OperationHandler = (context) => {
  const bucket = context.store.bucket(context.bucket);
  bucket.uploads.delete(upload(context, bucket).uploadId);
  return emptyResponse(204);
};

export const listParts: OperationHandler = (context) => {
  const bucket = context.store.bucket(context.bucket);
  let target: MultipartUpload;
  try {
    target = upload(context, bucket);
  } catch (error) {
    if (context.profile.listPartsOfMissingUpload === 'NoSuchKey') throw noSuchKey(context.key);
    throw error;
  }
  const maxParts = Math.min(integerParam(context.query, 'max-parts', 1000), 1000);
  const marker = integerParam(context.query, 'part-number-marker', 0);
  const after = [...target.parts.values()]
    .filter((part) => part.partNumber > marker)
    .sort((a, b) => a.partNumber - b.partNumber);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  return xmlResponse(
    el(
      'ListPartsResult',
      el('Bucket', bucket.name),
      el('Key', target.key),
      el('UploadId', target.uploadId),
      el('PartNumberMarker', marker),
      page.length > 0 ? el('NextPartNumberMarker', (page.at(-1) as StoredPart).partNumber) : undefined,
      el('MaxParts', maxParts),
      el('IsTruncated', truncated),
      el('StorageClass', 'STANDARD'),
      page.map((part) =>
        el(
          'Part',
          el('PartNumber', part.partNumber),
          el('LastModified', part.lastModified),
          el('ETag', part.etag),
          el('Size', part.body.length),
        ),
      ),
    ),
  );
};
