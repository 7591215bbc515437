import type { Readable } from 'node:stream';
import type { ByteRange } from './range.js';

export interface ReadOptions {
  range?: ByteRange;
  /** Aborting destroys the returned stream and releases the underlying connection or file. */
  signal?: AbortSignal;
}

export interface WriteOptions {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  /** The body's length when known: lets drivers pick a single request over multipart. */
  size?: number;
  /**
   * An upper bound on the body's length when `size` is unknown (an upload limit): lets
   * drivers plan for it instead of their largest object (S3 then cuts parts of 8 MiB
   * rather than 525 MiB, and buffers that much less). A longer body may fail.
   */
  maxSize?: number;
  signal?: AbortSignal;
}

export interface FileStat {
  size: number;
  modified: Date;
  /** Changes whenever the content changes; opaque, without quotes. */
  etag: string;
  contentType?: string;
}

/**
 * The contract every storage driver implements. Keys are relative `/`-separated
 * paths (see keys.ts); drivers refuse unsafe ones with InvalidKeyError and report
 * failures as the typed errors of errors.ts.
 */
export interface Driver {
  /** Streams the file, or the range of it. NotFoundError, RangeNotSatisfiableError. */
  read(key: string, options?: ReadOptions): Promise<Readable>;
  /**
   * Stores the stream under the key, replacing any file there. Atomic: readers see the
   * old file or the whole new one; a failed or aborted write stores nothing.
   */
  write(key: string, content: Readable, options?: WriteOptions): Promise<void>;
  stat(key: string): Promise<FileStat>;
  /** False only when the file definitely does not exist; any other failure throws. */
  exists(key: string): Promise<boolean>;
  /** Server-side when the backend can. NotFoundError when the source is missing. */
  copy(source: string, destination: string): Promise<void>;
  /** Copy, then delete the source only once the copy succeeded. */
  move(source: string, destination: string): Promise<void>;
  /** Deleting a key that does not exist is not an error. */
  delete(key: string): Promise<void>;
  /** Every key under the prefix (recursively), in a stable order, paging inside. */
  list(prefix?: string): AsyncIterable<string>;
}

/** What a driver package default-exports: a class constructed with its options. */
export interface DriverClass<Options = unknown, D extends Driver = Driver> {
  new (options: Options): D;
  /**
   * Validates and coerces raw options (strings from the environment included); throws
   * a ZodError whose issue paths are option paths, which the manager turns into
   * messages naming the variable.
   */
  readonly optionsSchema: { parse(input: unknown): Options };
}
