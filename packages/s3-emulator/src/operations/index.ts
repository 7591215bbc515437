import type { S3Operation } from '../operation.js';
import { getObjectAcl } from './acl.js';
import { createBucket, deleteBucket, headBucket, listBuckets } from './buckets.js';
import type { OperationHandler } from './context.js';
import { copyObject } from './copy.js';
import { listObjectsV2 } from './list-objects.js';
import { listMultipartUploads } from './list-uploads.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listParts,
  uploadPart,
  uploadPartCopy,
} from './multipart.js';
import { deleteObject, deleteObjects, getObject, headObject, putObject } from './objects.js';

export const operationHandlers: Record<Exclude<S3Operation, 'Unsupported'>, OperationHandler> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  ListObjectsV2: listObjectsV2,
  DeleteObjects: deleteObjects,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  CopyObject: copyObject,
  GetObjectAcl: getObjectAcl,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
};
