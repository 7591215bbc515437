/**
 * Typed storage errors. Every driver maps its native failures onto these and keeps
 * the original failure as `cause`, so callers branch on the class (or `code`) and
 * logs still show what the provider said.
 */
export type StorageErrorCode =
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'UNSUPPORTED'
  | 'INVALID_CONFIG'
  | 'INVALID_KEY'
  | 'RANGE_NOT_SATISFIABLE'
  | 'INSUFFICIENT_STORAGE'
  | 'STORAGE_FAILURE';

export class StorageError extends Error {
  readonly code: StorageErrorCode = 'STORAGE_FAILURE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The key (or upload) does not exist. */
export class NotFoundError extends StorageError {
  override readonly code = 'NOT_FOUND';
  constructor(
    readonly key: string,
    options?: { cause?: unknown; message?: string },
  ) {
    super(options?.message ?? `No file at "${key}"`, options);
  }
}

/** The provider refused the operation (credentials, policy, ACL). */
export class ForbiddenError extends StorageError {
  override readonly code = 'FORBIDDEN';
}

/** The operation conflicts with the current state (a precondition failed, a concurrent change). */
export class ConflictError extends StorageError {
  override readonly code = 'CONFLICT';
}

/** The provider (or driver) cannot do this. */
export class UnsupportedError extends StorageError {
  override readonly code = 'UNSUPPORTED';
}

/**
 * The backend has no room for the bytes (a full disk, a quota). Nothing of the failed
 * write is kept: retrying only helps once space is freed.
 */
export class InsufficientStorageError extends StorageError {
  override readonly code = 'INSUFFICIENT_STORAGE';
}

/** Options of a location or driver are wrong; the message names the variable or option. */
export class InvalidConfigError extends StorageError {
  override readonly code = 'INVALID_CONFIG';
}

/** A key that could escape the location's root or that no driver can store. */
export class InvalidKeyError extends StorageError {
  override readonly code = 'INVALID_KEY';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** The requested byte range lies outside the file. */
export class RangeNotSatisfiableError extends StorageError {
  override readonly code = 'RANGE_NOT_SATISFIABLE';
  constructor(
    readonly key: string,
    readonly size: number,
    options?: { cause?: unknown },
  ) {
    super(`Range not satisfiable for "${key}" (size ${size})`, options);
  }
}

export function isStorageError(error: unknown): error is StorageError {
  return error instanceof StorageError;
}

/**
 * `StorageManager.location()` was asked for a location nobody registered. Code NOT_FOUND
 * (an API answers 404), but deliberately not a NotFoundError: that one means "no file
 * at this key", and code that treats it as a file's absence must never see this.
 */
export class UnknownLocationError extends StorageError {
  override readonly code = 'NOT_FOUND';
  constructor(readonly location: string) {
    super(`Unknown storage location "${location}"`);
  }
}

/** Names an option in a message: `option "tus.chunkSize"`, or `STORAGE_R2_TUS__CHUNK_SIZE` from the environment. */
export type OptionNamer = (optionPath: readonly PropertyKey[]) => string;

export const nameOption: OptionNamer = (optionPath) => `option "${optionPath.map(String).join('.')}"`;

/**
 * One option of a driver is wrong in a way its schema cannot say (a check across
 * options, a value the backend refused). Drivers throw it from their constructor; the
 * manager rewrites it to name the environment variables when the options came from
 * there, so `problem` may be a function that names the other options it mentions.
 */
export class InvalidOptionError extends InvalidConfigError {
  constructor(
    readonly optionPath: readonly string[],
    readonly problem: string | ((name: OptionNamer) => string),
    options?: { cause?: unknown },
  ) {
    super('', options);
    this.message = this.describe(nameOption);
  }

  describe(name: OptionNamer): string {
    const problem = typeof this.problem === 'string' ? this.problem : this.problem(name);
    return `${name(this.optionPath)}: ${problem}`;
  }
}

/** Every problem of a storage configuration at once, so that one start-up reports them all. */
export class InvalidStorageConfigError extends InvalidConfigError {
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      problems.length === 1
        ? problems[0]!
        : `Invalid storage configuration (${problems.length} problems):\n${problems.map((problem) => `- ${problem}`).join('\n')}`,
      options,
    );
  }
}
