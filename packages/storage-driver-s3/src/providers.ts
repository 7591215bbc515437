export const PROVIDERS = ['aws', 'r2', 'minio', 'b2', 'spaces', 'wasabi', 'ceph', 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];

export type ChecksumMode = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
export type HealthCheckMode = 'read-write' | 'read-only';

const TiB = 1024 ** 4;
const GiB = 1024 ** 3;

/**
 * How one S3-compatible service departs from AWS S3: every flag is an option of its
 * own (same name), which the `provider` preset only defaults. Resolved once per driver.
 */
export interface ProviderQuirks {
  provider: Provider;
  /** Signing region; `auto` on R2, which ignores it but refuses some others. */
  region: string;
  /** `bucket` in the path instead of the host name (MinIO, Ceph and most self-hosted services have no wildcard DNS). */
  forcePathStyle: boolean;
  /**
   * WHEN_REQUIRED on every service but AWS: the SDK's default CRC32 checksums send
   * streamed bodies as `aws-chunked`, which B2, Wasabi, Ceph RGW and older MinIO refuse
   * (411 MissingContentLength or a signature error) and R2 rejects on some operations.
   */
  requestChecksumCalculation: ChecksumMode;
  responseChecksumValidation: ChecksumMode;
  /**
   * False on R2, which has no object ACLs and rejects `x-amz-acl` headers but `private`
   * (501 NotImplemented). No ACL header is then sent; an `acl` other than `private` is
   * refused at construction rather than silently dropped (objects would not be public).
   */
  sendAcl: boolean;
  /**
   * Retry a CopyObject answered 501 NotImplemented as a multipart copy (UploadPartCopy).
   * On for every provider: a service does not always say what it is (Ceph RGW behind
   * `generic`, or an S3 gateway), and RGW (Pacific) refuses CopyObject of SSE-KMS objects
   * but copies them part by part. Every preset's service has UploadPartCopy (AWS, R2, B2,
   * Spaces within a region, Wasabi, MinIO, Ceph); where one lacks it, the fallback ends
   * in the same 501 after a CreateMultipartUpload and its abort, and the API streams.
   */
  copyFallbackToMultipart: boolean;
  /**
   * Every part of a multipart upload but the last must have the same size (R2). The
   * driver's own writes and copies always cut equal parts; code that assembles an object
   * from pieces of unequal sizes (TUS concatenation) must cut them equal when this is set.
   */
  requireEqualParts: boolean;
  /** The largest object a write must handle: unknown-length writes size their parts from it (10,000 parts). */
  maxObjectSize: number;
  /** Above this, copies use UploadPartCopy (AWS caps CopyObject at 5 GiB). */
  maxCopyObjectSize: number;
  /**
   * `read-only` on Wasabi, which bills every object written for at least 30 (or 90)
   * days: a probe writing an object per health check would cost money.
   */
  healthCheck: HealthCheckMode;
  /**
   * False on Ceph Pacific: `ServerSideEncryption: AES256` is accepted but the object is
   * stored unencrypted (no SSE-S3 before Quincy). Informational: stated in the docs
   * and in `provider`, not worked around (there is nothing to do but use SSE-KMS).
   */
  appliesSseS3: boolean;
}

type Preset = Partial<Omit<ProviderQuirks, 'provider'>>;

const MINIMAL_CHECKSUMS: Preset = {
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
};

/** What each provider changes from the defaults below. */
const PRESETS: Record<Provider, Preset> = {
  aws: {},
  r2: { ...MINIMAL_CHECKSUMS, region: 'auto', sendAcl: false, requireEqualParts: true },
  minio: { ...MINIMAL_CHECKSUMS, forcePathStyle: true },
  b2: { ...MINIMAL_CHECKSUMS },
  spaces: { ...MINIMAL_CHECKSUMS },
  wasabi: { ...MINIMAL_CHECKSUMS, healthCheck: 'read-only' },
  ceph: { ...MINIMAL_CHECKSUMS, forcePathStyle: true, appliesSseS3: false },
  generic: { ...MINIMAL_CHECKSUMS },
};

const DEFAULTS: Omit<ProviderQuirks, 'provider'> = {
  region: 'us-east-1',
  forcePathStyle: false,
  requestChecksumCalculation: 'WHEN_SUPPORTED',
  responseChecksumValidation: 'WHEN_SUPPORTED',
  sendAcl: true,
  copyFallbackToMultipart: true,
  requireEqualParts: false,
  maxObjectSize: 5 * TiB,
  maxCopyObjectSize: 5 * GiB,
  healthCheck: 'read-write',
  appliesSseS3: true,
};

/**
 * The quirks of a location: its explicit options, else its provider's preset, else the
 * defaults. Without `provider`, `aws` when no endpoint is set and `generic` otherwise;
 * any custom endpoint also gets WHEN_REQUIRED checksums unless set explicitly.
 */
export function resolveQuirks(options: {
  provider?: Provider | undefined;
  endpoint?: string | undefined;
  [option: string]: unknown;
}): ProviderQuirks {
  const provider = options.provider ?? (options.endpoint === undefined ? 'aws' : 'generic');
  const preset = {
    ...DEFAULTS,
    ...(options.endpoint === undefined ? {} : MINIMAL_CHECKSUMS),
    ...PRESETS[provider],
  };
  const explicit = Object.fromEntries(
    Object.keys(DEFAULTS)
      .filter((name) => options[name] !== undefined)
      .map((name) => [name, options[name]]),
  ) as Preset;
  return { ...preset, ...explicit, provider };
}
