import { noSuchBucket, noSuchKey, S3Error } from './s3-error.js';

/** Server-side encryption as stored; `undefined` when the object is stored in plaintext. */
export type StoredSse = 'AES256' | 'aws:kms' | undefined;

/** What S3 keeps about an object besides its bytes (shared by objects and multipart uploads). */
export interface ObjectAttributes {
  contentType: string;
  cacheControl: string | undefined;
  contentDisposition: string | undefined;
  contentEncoding: string | undefined;
  /** User metadata, names without the `x-amz-meta-` prefix, lower-cased. */
  metadata: Record<string, string>;
  /** Canned ACL (`private` when none was given). */
  acl: string;
  sse: StoredSse;
  kmsKeyId: string | undefined;
}

export interface StoredObject extends ObjectAttributes {
  body: Buffer;
  /** Quoted, as S3 sends it. */
  etag: string;
  lastModified: Date;
  /** Number of parts when assembled by CompleteMultipartUpload. */
  partsCount: number | undefined;
}

export interface StoredPart {
  partNumber: number;
  body: Buffer;
  etag: string;
  lastModified: Date;
}

export interface MultipartUpload {
  uploadId: string;
  key: string;
  initiated: Date;
  attributes: ObjectAttributes;
  parts: Map<number, StoredPart>;
}

export class Bucket {
  readonly objects = new Map<string, StoredObject>();
  readonly uploads = new Map<string, MultipartUpload>();
  private sortedKeys: string[] | undefined;

  constructor(
    readonly name: string,
    readonly created: Date,
  ) {}

  /** Keys in S3's order (UTF-8 byte order), cached between writes so paging stays cheap. */
  keys(): readonly string[] {
    this.sortedKeys ??= [...this.objects.keys()].sort(compareKeys);
    return this.sortedKeys;
  }

  object(key: string): StoredObject {
    const object = this.objects.get(key);
    if (!object) throw noSuchKey(key);
    return object;
  }

  put(key: string, object: StoredObject): void {
    if (!this.objects.has(key)) this.sortedKeys = undefined;
    this.objects.set(key, object);
  }

  delete(key: string): void {
    if (this.objects.delete(key)) this.sortedKeys = undefined;
  }
}

/** S3 orders keys by their UTF-8 bytes, which differs from JS (UTF-16) order above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export class Store {
  readonly buckets = new Map<string, Bucket>();

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw noSuchBucket(name);
    return bucket;
  }

  createBucket(name: string): Bucket {
    if (this.buckets.has(name)) {
      throw new S3Error(
        409,
        'BucketAlreadyOwnedByYou',
        `Your previous request to create the named bucket succeeded: ${name}`,
      );
    }
    const bucket = new Bucket(name, new Date());
    this.buckets.set(name, bucket);
    return bucket;
  }
}
