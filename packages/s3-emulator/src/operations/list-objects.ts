import { invalidArgument } from '../s3-error.js';
import { compareKeys } from '../store.js';
import { el } from '../xml.js';
import { integerParam, type OperationHandler, xmlResponse } from './context.js';

/** Where a page resumes: after `marker`, and past every key under it when it was a common prefix. */
interface Resume {
  marker: string;
  isPrefix: boolean;
}

function encodeToken(resume: Resume): string {
  return Buffer.from(JSON.stringify(resume)).toString('base64url');
}

function decodeToken(token: string): Resume {
  try {
    const resume = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Resume;
    if (typeof resume.marker === 'string') return resume;
  } catch {}
  throw invalidArgument('The continuation token provided is incorrect');
}

/** ListObjectsV2: keys in byte order, grouped by delimiter, paged by continuation token. */
export const listObjectsV2: OperationHandler = (context) => {
  const { query } = context;
  const bucket = context.store.bucket(context.bucket);
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = Math.min(integerParam(query, 'max-keys', 1000), 1000);
  const startAfter = query.get('start-after') ?? '';
  const token = query.get('continuation-token');
  const resume: Resume = token ? decodeToken(token) : { marker: startAfter, isPrefix: false };
  const urlEncoded = query.get('encoding-type') === 'url';
  const encode = (text: string) => (urlEncoded ? encodeURIComponent(text).replace(/%2F/g, '/') : text);

  const contents: string[] = [];
  const commonPrefixes: string[] = [];
  let last: Resume | undefined;
  let truncated = false;
  for (const key of bucket.keys()) {
    if (!key.startsWith(prefix)) continue;
    if (resume.marker && compareKeys(key, resume.marker) <= 0) continue;
    if (resume.isPrefix && key.startsWith(resume.marker)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const commonPrefix = cut >= 0 ? key.slice(0, cut + delimiter.length) : undefined;
    if (commonPrefix !== undefined && commonPrefix === commonPrefixes.at(-1)) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) {
      commonPrefixes.push(commonPrefix);
      last = { marker: commonPrefix, isPrefix: true };
    } else {
      contents.push(key);
      last = { marker: key, isPrefix: false };
    }
  }

  return xmlResponse(
    el(
      'ListBucketResult',
      el('Name', bucket.name),
      el('Prefix', encode(prefix)),
      delimiter ? el('Delimiter', encode(delimiter)) : undefined,
      el('MaxKeys', maxKeys),
      el('KeyCount', contents.length + commonPrefixes.length),
      el('IsTruncated', truncated),
      urlEncoded ? el('EncodingType', 'url') : undefined,
      token ? el('ContinuationToken', token) : undefined,
      startAfter ? el('StartAfter', encode(startAfter)) : undefined,
      truncated && last ? el('NextContinuationToken', encodeToken(last)) : undefined,
      contents.map((key) => {
        const object = bucket.object(key);
        return el(
          'Contents',
          el('Key', encode(key)),
          el('LastModified', object.lastModified),
          el('ETag', object.etag),
          el('Size', object.body.length),
          el('StorageClass', 'STANDARD'),
        );
      }),
      commonPrefixes.map((commonPrefix) => el('CommonPrefixes', el('Prefix', encode(commonPrefix)))),
    ),
  );
};
