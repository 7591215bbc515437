import { compareKeys } from '../store.js';
import { el } from '../xml.js';
import { integerParam, type OperationHandler, xmlResponse } from './context.js';

/** ListMultipartUploads: by key, then by initiation, paged by key-marker / upload-id-marker. */
export const listMultipartUploads: OperationHandler = (context) => {
  const { query } = context;
  const bucket = context.store.bucket(context.bucket);
  const prefix = query.get('prefix') ?? '';
  const keyMarker = query.get('key-marker') ?? '';
  const uploadIdMarker = query.get('upload-id-marker') ?? '';
  const maxUploads = Math.min(integerParam(query, 'max-uploads', 1000), 1000);
  const after = [...bucket.uploads.values()]
    .filter((upload) => upload.key.startsWith(prefix))
    .sort((a, b) => compareKeys(a.key, b.key) || (a.uploadId < b.uploadId ? -1 : 1))
    .filter((upload) => {
      if (!keyMarker) return true;
      const order = compareKeys(upload.key, keyMarker);
      // Without an upload-id-marker, S3 resumes after every upload of the marker key.
      return order > 0 || (order === 0 && uploadIdMarker !== '' && upload.uploadId > uploadIdMarker);
    });
  const page = after.slice(0, maxUploads);
  const truncated = after.length > page.length;
  const last = page.at(-1);
  return xmlResponse(
    el(
      'ListMultipartUploadsResult',
      el('Bucket', bucket.name),
      el('KeyMarker', keyMarker),
      el('UploadIdMarker', uploadIdMarker),
      truncated && last
        ? [el('NextKeyMarker', last.key), el('NextUploadIdMarker', last.uploadId)]
        : undefined,
      prefix ? el('Prefix', prefix) : undefined,
      el('MaxUploads', maxUploads),
      el('IsTruncated', truncated),
      page.map((upload) =>
        el(
          'Upload',
          el('Key', upload.key),
          el('UploadId', upload.uploadId),
          el('StorageClass', 'STANDARD'),
          el('Initiated', upload.initiated),
        ),
      ),
    ),
  );
};
