import {
  ConflictError,
  ForbiddenError,
  InsufficientStorageError,
  InvalidConfigError,
  NotFoundError,
  RangeNotSatisfiableError,
  StorageError,
  UnsupportedError,
} from '@stowage/storage';

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound', 'NoSuchUpload']);
/** The object's (or multipart upload's) state refuses the request: a part list that does not match what was uploaded, say. */
const CONFLICT_NAMES = new Set(['PreconditionFailed', 'InvalidPart', 'InvalidPartOrder', 'EntityTooSmall']);
/** RGW's user or bucket quota (a 403), MinIO's full disks, WebDAV's 507 that some gateways use. */
const NO_SPACE_NAMES = new Set(['QuotaExceeded', 'XMinioStorageFull', 'InsufficientStorage']);

/** The HTTP status of an SDK error, if it got as far as an answer. */
export function statusOf(error: unknown): number | undefined {
  return (error as SdkError | null)?.$metadata?.httpStatusCode;
}

export function isNotFound(error: unknown): boolean {
  const name = (error as SdkError | null)?.name;
  return (
    (name !== undefined && NOT_FOUND_NAMES.has(name)) || (statusOf(error) === 404 && name !== 'NoSuchBucket')
  );
}

export function isNotImplemented(error: unknown): boolean {
  return (error as SdkError | null)?.name === 'NotImplemented' || statusOf(error) === 501;
}

/**
 * SDK errors carry the raw HTTP response (non-configurable), whose socket leads to the
 * signed request (access key id, signature): logging the error with its cause would
 * print them. The cause is a copy with what the response told (name, message, status,
 * request id) and the stack.
 */
function withoutResponse(error: unknown): unknown {
  if (!(error instanceof Error) || !('$response' in error)) return error;
  const { $fault, $metadata, Code } = error as Error & {
    $fault?: unknown;
    $metadata?: unknown;
    Code?: unknown;
  };
  const copy = Object.assign(new Error(error.message), {
    $fault,
    $metadata,
    ...(Code === undefined ? {} : { Code }),
  });
  copy.name = error.name;
  copy.stack = error.stack;
  return copy;
}

/**
 * An SDK failure as the core's typed error, the SDK error kept as `cause`. Messages
 * name the key, bucket and what the provider said, never credentials (the SDK puts
 * none in its errors; the request, which carries the signature, is not attached).
 */
export function mapS3Error(
  error: unknown,
  context: { key: string; operation: string; bucket: string; provider: string },
): StorageError {
  if (error instanceof StorageError) return error;
  const { key, operation, bucket, provider } = context;
  const sdk = (error ?? {}) as SdkError;
  const name = sdk.name ?? sdk.Code ?? 'Error';
  const status = statusOf(error);
  const said = `${name}${status === undefined ? '' : ` (HTTP ${status})`}: ${sdk.message ?? String(error)}`;
  const options = { cause: withoutResponse(error) };
  // The location points nowhere: a configuration fault, never "this file is gone" (callers
  // would drop records or restart uploads on a NotFoundError).
  if (name === 'NoSuchBucket')
    return new InvalidConfigError(`Bucket "${bucket}" does not exist (${operation} "${key}")`, options);
  if (isNotFound(error)) return new NotFoundError(key, options);
  if (NO_SPACE_NAMES.has(name) || status === 507)
    return new InsufficientStorageError(
      `No space left in bucket "${bucket}" for ${operation} of "${key}": ${said}`,
      options,
    );
  if (name === 'InvalidRange' || status === 416)
    return new RangeNotSatisfiableError(key, Number.NaN, options);
  if (name === 'AccessDenied' || status === 403)
    return new ForbiddenError(`S3 ${operation} of "${key}" in bucket "${bucket}" refused: ${said}`, options);
  if (isNotImplemented(error))
    return new UnsupportedError(
      `Provider ${provider} does not support ${operation} of "${key}": ${said}`,
      options,
    );
  if (status === 412 || status === 409 || CONFLICT_NAMES.has(name))
    return new ConflictError(
      `S3 ${operation} of "${key}" conflicts with the object's state: ${said}`,
      options,
    );
  if (name === 'AbortError') return new StorageError(`S3 ${operation} of "${key}" was aborted`, options);
  return new StorageError(`S3 ${operation} of "${key}" in bucket "${bucket}" failed: ${said}`, options);
}
