import { S3Error } from '../s3-error.js';
import { el } from '../xml.js';
import { emptyResponse, type OperationHandler, xmlResponse } from './context.js';

export const owner = el('Owner', el('ID', 'emulator-owner'), el('DisplayName', 'emulator'));

export const listBuckets: OperationHandler = ({ store }) =>
  xmlResponse(
    el(
      'ListAllMyBucketsResult',
      owner,
      el(
        'Buckets',
        [...store.buckets.values()]
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .map((bucket) => el('Bucket', el('Name', bucket.name), el('CreationDate', bucket.created))),
      ),
    ),
  );

export const createBucket: OperationHandler = ({ store, bucket }) => {
  store.createBucket(bucket);
  return emptyResponse(200, { location: `/${bucket}` });
};

export const headBucket: OperationHandler = ({ store, bucket, profile }) => {
  store.bucket(bucket);
  return emptyResponse(200, { 'x-amz-bucket-region': profile.region });
};

export const deleteBucket: OperationHandler = ({ store, bucket }) => {
  const found = store.bucket(bucket);
  if (found.objects.size > 0 || found.uploads.size > 0) {
    throw new S3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty');
  }
  store.buckets.delete(bucket);
  return emptyResponse(204);
};
