/** The S3 operations the emulator tells apart (for counters, faults and routing). */
export const s3Operations = [
  'ListBuckets',
  'CreateBucket',
  'HeadBucket',
  'DeleteBucket',
  'ListObjectsV2',
  'DeleteObjects',
  'PutObject',
  'GetObject',
  'HeadObject',
  'DeleteObject',
  'CopyObject',
  'GetObjectAcl',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'ListMultipartUploads',
  /** Anything else: answered 501 NotImplemented. */
  'Unsupported',
] as const;

export type S3Operation = (typeof s3Operations)[number];

/** Which operation a request is, from its method, target and query (the way S3 routes it). */
export function operationOf(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: URLSearchParams,
  headers: Headers,
): S3Operation {
  if (bucket === undefined) return method === 'GET' ? 'ListBuckets' : 'Unsupported';
  const plain = subresources(query).length === 0;
  if (key === undefined) {
    if (method === 'PUT' && plain) return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'DELETE' && plain) return 'DeleteBucket';
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
    if (method === 'GET' && query.has('uploads')) return 'ListMultipartUploads';
    if (method === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2';
    return 'Unsupported';
  }
  const copies = headers.has('x-amz-copy-source');
  switch (method) {
    case 'PUT':
      if (query.has('partNumber') && query.has('uploadId')) return copies ? 'UploadPartCopy' : 'UploadPart';
      if (!plain) return 'Unsupported';
      return copies ? 'CopyObject' : 'PutObject';
    case 'GET':
      if (query.has('acl')) return 'GetObjectAcl';
      if (query.has('uploadId')) return 'ListParts';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (query.has('uploadId')) return 'CompleteMultipartUpload';
      return 'Unsupported';
    default:
      return 'Unsupported';
  }
}

/** Query parameters that select a sub-resource, leaving out the SDK's `x-id`, presigning and response overrides. */
function subresources(query: URLSearchParams): string[] {
  return [...query.keys()].filter((name) => !/^(x-id$|x-amz-|response-)/i.test(name));
}
