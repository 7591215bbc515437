import { ObjectCannedACL } from '@aws-sdk/client-s3';
import { byteSize, envBoolean, envInteger, envUrl, formatByteSize } from '@stowage/storage';
import { z } from 'zod';
import { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from './limits.js';
import { PROVIDERS, resolveQuirks } from './providers.js';

const MiB = 1024 ** 2;

const KMS_ENCRYPTIONS = ['aws:kms', 'aws:kms:dsse'];

/** `/a/b` → `a/b/`; `` and `/` → `` (the bucket's top). */
function normalizeRoot(root: string): string {
  const trimmed = root.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

const checksumMode = z.enum(['WHEN_SUPPORTED', 'WHEN_REQUIRED']);

/**
 * Options of an S3 location (`STORAGE_<NAME>_<OPTION>`), named as in Directus where
 * Directus has the option. Provider quirk options left unset come from the `provider`
 * preset (see providers.ts). A driver built on this one composes its own schema from
 * this shape and `checkS3Options` (see @stowage/storage-driver-s3-tus).
 */
export const s3OptionsShape = {
  bucket: z.string().min(1),
  /** Access key id; with `secret`, or neither for the SDK's default credential chain. */
  key: z.string().min(1).optional(),
  secret: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  endpoint: envUrl.optional(),
  provider: z.enum(PROVIDERS).optional(),
  forcePathStyle: envBoolean.optional(),
  root: z.string().default('').transform(normalizeRoot),
  /** No ACL header at all when unset: the bucket's default (or its owner-enforced setting) applies. */
  acl: z.enum(ObjectCannedACL).optional(),
  serverSideEncryption: z.enum(['AES256', 'aws:kms', 'aws:kms:dsse']).optional(),
  serverSideEncryptionKmsKeyId: z.string().min(1).optional(),
  connectionTimeout: envInteger({ min: 0 }).default(5000),
  /** Idle time (ms) on a socket, request and response body alike, before the request fails. */
  socketTimeout: envInteger({ min: 0 }).default(120_000),
  maxSockets: envInteger({ min: 1 }).default(500),
  keepAlive: envBoolean.default(true),
  requestChecksumCalculation: checksumMode.optional(),
  responseChecksumValidation: checksumMode.optional(),
  sendAcl: envBoolean.optional(),
  copyFallbackToMultipart: envBoolean.optional(),
  maxObjectSize: byteSize({ min: 1 }).optional(),
  maxCopyObjectSize: byteSize({ min: 1 }).optional(),
  /** Writes of a known size up to this go in one PutObject (the body buffered, so retried). */
  multipartThreshold: byteSize({ min: 0, max: MAX_PART_SIZE }).default(16 * MiB),
  /** Default: the smallest of at least 8 MiB that fits `maxObjectSize` in 10,000 parts. */
  partSize: byteSize({ min: MIN_PART_SIZE, max: MAX_PART_SIZE }).optional(),
  /** Parts in flight per multipart write or copy; a write buffers up to partSize × queueSize. */
  queueSize: envInteger({ min: 1, max: 64 }).default(4),
  healthCheck: z.enum(['read-write', 'read-only']).optional(),
};

type ShapeOutput = z.output<z.ZodObject<typeof s3OptionsShape>>;

/** The checks across options, for any schema built on `s3OptionsShape`. */
export function checkS3Options(options: ShapeOutput, ctx: z.RefinementCtx): void {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (options.key !== undefined && options.secret === undefined)
    problem('secret', 'required when "key" is set (set both, or neither for the default credential chain)');
  if (options.secret !== undefined && options.key === undefined)
    problem('key', 'required when "secret" is set (set both, or neither for the default credential chain)');
  if (
    options.serverSideEncryptionKmsKeyId !== undefined &&
    !KMS_ENCRYPTIONS.includes(options.serverSideEncryption ?? '')
  )
    problem('serverSideEncryptionKmsKeyId', 'only allowed with serverSideEncryption aws:kms or aws:kms:dsse');
  const quirks = resolveQuirks(options);
  // `private` is what such a provider does anyway: accepted, and no header is sent.
  if (options.acl !== undefined && options.acl !== 'private' && !quirks.sendAcl)
    problem('acl', `provider ${quirks.provider} does not support object ACLs (sendAcl is false)`);
  if (options.partSize !== undefined && options.partSize * MAX_PARTS < quirks.maxObjectSize)
    problem(
      'partSize',
      `10,000 parts of this size cannot hold maxObjectSize (${formatByteSize(quirks.maxObjectSize)}): raise partSize or lower maxObjectSize`,
    );
}

export const optionsSchema = z.strictObject(s3OptionsShape).superRefine(checkS3Options);

/** The parsed options (what the constructor keeps as `driver.options`). */
export type S3DriverOptions = z.output<typeof optionsSchema>;
/** The options as given, from code or the environment (strings are coerced). */
export type S3DriverOptionsInput = z.input<typeof optionsSchema>;
