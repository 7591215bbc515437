/**
 * A provider profile: the quirks by which one S3-compatible service departs from AWS S3.
 * Every flag names one observed behaviour, so a test can reproduce exactly the failure a
 * user meets on that provider, and a driver option that works around it can be proven.
 */
export interface ProviderProfile {
  readonly name: ProviderName;
  /** What the profile stands for, for test titles and reports. */
  readonly description: string;
  /** Region a client should sign for (R2 documents `auto`; any region is accepted anyway). */
  readonly region: string;
  /** Whether `bucket.host/key` requests reach the bucket; if not, the host's first label is ignored. */
  readonly virtualHostStyle: boolean;
  /**
   * Bodies sent with `Content-Encoding: aws-chunked` (the SDK's default for streamed bodies
   * with request checksums, with no Content-Length of the real payload) are refused with
   * 411 MissingContentLength instead of being decoded.
   */
  readonly rejectsAwsChunkedBodies: boolean;
  /** `x-amz-checksum-*`, `x-amz-sdk-checksum-algorithm` headers are refused with 400 InvalidArgument. */
  readonly rejectsChecksumHeaders: boolean;
  /** CompleteMultipartUpload answers `<ETag></ETag>` (the stored object still has its real ETag). */
  readonly emptyCompleteMultipartEtag: boolean;
  /** Which error ListParts answers for an upload that does not exist (or was aborted). */
  readonly listPartsOfMissingUpload: 'NoSuchUpload' | 'NoSuchKey';
  /** `x-amz-server-side-encryption: AES256` is accepted, but the object is stored and served unencrypted. */
  readonly ignoresSseS3: boolean;
  /** `aws:kms` server-side encryption is refused (with this error), or `undefined` when supported. */
  readonly rejectsSseKms: { status: number; code: string } | undefined;
  /** CopyObject from an SSE-KMS source answers 501 NotImplemented (UploadPartCopy from it works). */
  readonly cannotCopyKmsSource: boolean;
  /** `x-amz-acl` values this provider refuses with 501 NotImplemented; `'all-but-private'` or none. */
  readonly rejectsCannedAcl: 'all-but-private' | 'none';
  /** GetObjectAcl answers 501 NotImplemented. */
  readonly noAclApi: boolean;
  /** CompleteMultipartUpload refuses parts of unequal size (all but the last equal, the last not larger). */
  readonly requiresEqualPartSizes: boolean;
  /** Minimum billed storage duration; nothing is emulated, it is exposed for the code under test. */
  readonly minimumStorageDays: number;
}

export type ProviderName = 'aws' | 'ceph' | 'r2' | 'b2' | 'minio' | 'spaces' | 'wasabi' | 'generic';

const aws: ProviderProfile = {
  name: 'aws',
  description: 'Amazon S3, strict behaviour',
  region: 'us-east-1',
  virtualHostStyle: true,
  rejectsAwsChunkedBodies: false,
  rejectsChecksumHeaders: false,
  emptyCompleteMultipartEtag: false,
  listPartsOfMissingUpload: 'NoSuchUpload',
  ignoresSseS3: false,
  rejectsSseKms: undefined,
  cannotCopyKmsSource: false,
  rejectsCannedAcl: 'none',
  noAclApi: false,
  requiresEqualPartSizes: false,
  minimumStorageDays: 0,
};

/** Named profiles; each differs from `aws` only by the quirks listed. */
export const providerProfiles: Readonly<Record<ProviderName, ProviderProfile>> = {
  aws,
  // Ceph RGW Pacific (16.2), as measured on the project's real test server
  // (/work/shared/s3-server/README.md, and test/ceph-agreement.test.ts against it).
  ceph: {
    ...aws,
    name: 'ceph',
    description: 'Ceph RADOS Gateway (Pacific)',
    rejectsAwsChunkedBodies: true,
    emptyCompleteMultipartEtag: true,
    listPartsOfMissingUpload: 'NoSuchKey',
    ignoresSseS3: true,
    cannotCopyKmsSource: true,
  },
  r2: {
    ...aws,
    name: 'r2',
    description: 'Cloudflare R2',
    region: 'auto',
    // "NotImplemented: Header 'x-amz-acl' with value 'public-read' not implemented" (501),
    // while `private` is accepted: pixelfed/pixelfed#3775, mastodon/mastodon#20510.
    rejectsCannedAcl: 'all-but-private',
    noAclApi: true,
    // "All parts except the last one must be the same size" (developers.cloudflare.com/r2/objects/
    // multipart-objects); error text "InvalidPart: All non-trailing parts must have the same length."
    // (tus/tusd#1137).
    requiresEqualPartSizes: true,
  },
  b2: {
    ...aws,
    name: 'b2',
    description: 'Backblaze B2 (S3-compatible API)',
    region: 'us-west-004',
    // "InvalidArgument: Unsupported header 'x-amz-checksum-crc32' received for this API call." (400),
    // also for x-amz-sdk-checksum-algorithm and x-amz-checksum-mode: stonith404/pingvin-share#798,
    // jschneier/django-storages#1498, vatesfr/xen-orchestra#8358.
    rejectsChecksumHeaders: true,
    // B2 offers SSE-B2 (AES256) and SSE-C only.
    rejectsSseKms: { status: 400, code: 'InvalidArgument' },
  },
  // Without MINIO_DOMAIN "only path-style requests are allowed" (minio/minio#5705).
  minio: { ...aws, name: 'minio', description: 'MinIO without MINIO_DOMAIN', virtualHostStyle: false },
  spaces: { ...aws, name: 'spaces', description: 'DigitalOcean Spaces (no quirk emulated)' },
  wasabi: {
    ...aws,
    name: 'wasabi',
    description: 'Wasabi (90-day minimum storage duration billing, not emulated)',
    minimumStorageDays: 90,
  },
  generic: { ...aws, name: 'generic', description: 'A generic S3-compatible service' },
};
