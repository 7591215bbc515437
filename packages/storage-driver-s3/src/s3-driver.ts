import { addAbortSignal, type Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  type ObjectCannedACL,
  type S3Client,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import {
  assertValidKey,
  assertValidPrefix,
  assertWellFormedRange,
  type Driver,
  type FileStat,
  type HealthProbe,
  type HealthReport,
  isReservedKey,
  type LeftoverSweep,
  type PresignedMultipartUploads,
  type PresignedUrls,
  type PresignReadOptions,
  type PresignWriteOptions,
  type ProbeOptions,
  RESERVED_FOLDER,
  type ReadOptions,
  resolveRange,
  type ServerSideCopy,
  type StartedMultipartUpload,
  type StorageError,
  type SweepOptions,
  type SweepReport,
  type UploadedPart,
  type WriteOptions,
} from '@stowage/storage';
import type { z } from 'zod';
import { createS3Client } from './client.js';
import { copyObject, type ObjectLocation } from './copy.js';
import { isNotFound, mapS3Error } from './errors.js';
import { newProbeName, probeBucket } from './health-probe.js';
import { MAX_PARTS } from './limits.js';
import { listObjects } from './list-objects.js';
import { MultipartMarkers } from './multipart-markers.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  listUploadedParts,
  type MultipartTarget,
  startMultipartUpload,
} from './multipart-uploads.js';
import { optionsSchema, type S3DriverOptions, type S3DriverOptionsInput } from './options.js';
import { Presigner } from './presigner.js';
import { type ProviderQuirks, resolveQuirks } from './providers.js';
import { writeObject } from './write.js';

export interface ObjectWriteParams {
  ACL?: ObjectCannedACL;
  ServerSideEncryption?: ServerSideEncryption;
  SSEKMSKeyId?: string;
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/^(W\/)?"|"$/g, '');

/**
 * A location in a bucket of any S3-compatible service. `client`, `bucket`, `root`,
 * `provider`, `options`, `objectKey`, `internalKey`, `objectWriteParams`, `mapError` and
 * `trackMultipart` are public on purpose: the resumable-upload store
 * (@stowage/storage-driver-s3-tus) works on the same client, keys and write parameters.
 */
export class S3Driver
  implements Driver, HealthProbe, PresignedUrls, PresignedMultipartUploads, ServerSideCopy, LeftoverSweep
{
  /** A driver built on this one replaces it with a schema of more options (this shape and checks, extended). */
  static readonly optionsSchema: z.ZodType<S3DriverOptions, S3DriverOptionsInput> = optionsSchema;

  /** Configured with the location's checksum mode, timeouts and agents. */
  readonly client: S3Client;
  readonly bucket: string;
  /** `''` or a prefix ending with `/`, under which every key of the location lives. */
  readonly root: string;
  /** The quirk flags in effect (explicit options over the provider's preset). */
  readonly provider: ProviderQuirks;
  readonly options: S3DriverOptions;
  readonly maxPartNumber = MAX_PARTS;
  readonly #presigner: Presigner;
  readonly #multipart: MultipartMarkers;

  constructor(options: S3DriverOptionsInput) {
    this.options = (new.target as typeof S3Driver).optionsSchema.parse(options);
    this.provider = resolveQuirks(this.options);
    this.bucket = this.options.bucket;
    this.root = this.options.root;
    this.client = createS3Client(this.options, this.provider);
    this.#presigner = new Presigner(this.options, this.provider, this.bucket);
    this.#multipart = new MultipartMarkers(this.client, this.bucket, this.internalKey('multipart/'));
    if (this.options.serverSideEncryption === 'AES256' && !this.provider.appliesSseS3) {
      process.emitWarning(
        `Storage provider ${this.provider.provider} accepts serverSideEncryption AES256 but stores objects unencrypted; use aws:kms`,
      );
    }
  }

  /** The object key of a user key: validated (InvalidKeyError), under `root`. */
  objectKey(key: string): string {
    return this.root + assertValidKey(key);
  }

  /** The object key of the storage layer's own state (`<root>.stowage/<path>`); not a user key, not validated. */
  internalKey(path: string): string {
    return `${this.root}${RESERVED_FOLDER}/${path}`;
  }

  /** ACL (unless the provider forbids the header) and encryption, for every request that creates an object. */
  objectWriteParams(): ObjectWriteParams {
    const { acl, serverSideEncryption, serverSideEncryptionKmsKeyId } = this.options;
    return {
      ...(acl !== undefined && this.provider.sendAcl ? { ACL: acl } : {}),
      ...(serverSideEncryption === undefined ? {} : { ServerSideEncryption: serverSideEncryption }),
      ...(serverSideEncryptionKmsKeyId === undefined ? {} : { SSEKMSKeyId: serverSideEncryptionKmsKeyId }),
    };
  }

  /** An SDK failure as the core's typed error (cause kept, no credentials in the message). */
  mapError(error: unknown, key: string, operation: string): StorageError {
    return mapS3Error(error, { key, operation, bucket: this.bucket, provider: this.provider.provider });
  }

  async read(key: string, { range, signal }: ReadOptions = {}): Promise<Readable> {
    const Key = this.objectKey(key);
    try {
      let pinned: { Range: string; IfMatch?: string } | undefined;
      if (range !== undefined) {
        // Resolved against the size first: servers disagree on 416 for empty objects
        // and suffix ranges; IfMatch makes sure the bytes come from the object measured.
        assertWellFormedRange(key, range);
        const head = await this.#head(Key, signal);
        const { start, end } = resolveRange(key, range, head.ContentLength ?? 0);
        pinned = { Range: `bytes=${start}-${end}`, ...(head.ETag ? { IfMatch: head.ETag } : {}) };
      }
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key, ...pinned }), {
        abortSignal: signal,
      });
      // The body is node:http's IncomingMessage, which fails with "aborted" when the
      // connection ends short of Content-Length (tested): never a silently short file.
      // Destroying it, or aborting `signal`, closes its socket.
      const body = response.Body as Readable;
      return signal === undefined ? body : addAbortSignal(signal, body);
    } catch (error) {
      throw this.mapError(error, key, 'read');
    }
  }

  async write(key: string, content: Readable, options: WriteOptions = {}): Promise<void> {
    const Key = this.objectKey(key);
    const params = {
      Bucket: this.bucket,
      Key,
      ContentType: options.contentType,
      CacheControl: options.cacheControl,
      ContentDisposition: options.contentDisposition,
      ...this.objectWriteParams(),
    };
    try {
      await this.trackMultipart((client) =>
        writeObject(client, this.options, this.provider.maxObjectSize, params, content, options),
      );
    } catch (error) {
      content.destroy();
      throw this.mapError(error, key, 'write');
    }
  }

  async stat(key: string): Promise<FileStat> {
    const head = await this.#head(this.objectKey(key)).catch((error) => {
      throw this.mapError(error, key, 'stat');
    });
    return {
      size: head.ContentLength ?? 0,
      modified: head.LastModified ?? new Date(0),
      etag: unquote(head.ETag),
      ...(head.ContentType === undefined ? {} : { contentType: head.ContentType }),
    };
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.#head(this.objectKey(key));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw this.mapError(error, key, 'exists');
    }
  }

  async copy(source: string, destination: string): Promise<void> {
    await this.#copy(this, source, destination);
  }

  async move(source: string, destination: string): Promise<void> {
    if (source === destination) {
      await this.stat(source);
      return;
    }
    await this.copy(source, destination);
    await this.delete(source);
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      if (!isNotFound(error)) throw this.mapError(error, key, 'delete');
    }
  }

  async *list(prefix = ''): AsyncIterable<string> {
    assertValidPrefix(prefix);
    try {
      for await (const { Key } of listObjects(this.client, this.bucket, this.root + prefix)) {
        const key = Key?.slice(this.root.length);
        // Folder markers (from consoles and other tools) are no files; the reserved folder is ours.
        if (key && !key.endsWith('/') && !isReservedKey(key)) yield key;
      }
    } catch (error) {
      throw this.mapError(error, prefix, 'list');
    }
  }

  probe({ signal }: ProbeOptions = {}): Promise<HealthReport> {
    return probeBucket({
      signal,
      client: this.client,
      bucket: this.bucket,
      root: this.root,
      mode: this.options.healthCheck ?? this.provider.healthCheck,
      probeKey: () => this.internalKey(newProbeName()),
      writeParams: this.objectWriteParams(),
      describe: (error, key, operation) => this.mapError(error, key, `health probe ${operation}`),
    });
  }

  /**
   * Runs `work` with a client whose multipart uploads are announced by markers (see
   * MultipartMarkers): if `work` fails, they are aborted at once, and if that fails too
   * or the process dies, `sweepLeftovers` aborts them later. Every write and copy of the
   * location, and the resumable uploads' creation, start their multipart uploads here.
   */
  trackMultipart<T>(work: (client: S3Client) => Promise<T>): Promise<T> {
    return this.#multipart.track(work);
  }

  /**
   * Aborts this location's multipart uploads whose writer died (a marker announces
   * them, and neither they nor their marker moved for `idleFor`); never a multipart
   * upload of the bucket that no marker names, nor one that `keepsMultipartUpload` claims.
   */
  async sweepLeftovers({ idleFor }: SweepOptions): Promise<SweepReport> {
    try {
      return {
        removed: await this.#multipart.sweep(idleFor, (key, uploadId) =>
          this.keepsMultipartUpload(key, uploadId),
        ),
      };
    } catch (error) {
      throw this.mapError(error, RESERVED_FOLDER, 'sweep leftovers');
    }
  }

  /** Whether a multipart upload at `key` is kept on purpose by something built on this driver (none here). */
  protected async keepsMultipartUpload(_key: string, _uploadId: string): Promise<boolean> {
    return false;
  }

  presignRead(key: string, options: PresignReadOptions): Promise<string> {
    return this.#presigner.read(this.objectKey(key), options);
  }

  /** The uploader must send the signed headers (Content-Length when given); ACL and encryption are signed in the query. */
  presignWrite(key: string, options: PresignWriteOptions): Promise<string> {
    return this.#presigner.write(this.objectKey(key), options, this.objectWriteParams());
  }

  startMultipartUpload(
    key: string,
    options: { size?: number; contentType?: string },
  ): Promise<StartedMultipartUpload> {
    return this.#mapped(key, 'start multipart upload', (target, Key) =>
      startMultipartUpload(target, Key, options),
    );
  }

  presignUploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    { expiresIn }: { expiresIn: number },
  ): Promise<string> {
    return this.#presigner.uploadPart(this.objectKey(key), uploadId, partNumber, expiresIn);
  }

  listUploadedParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    return this.#mapped(key, 'list parts', (target, Key) => listUploadedParts(target, Key, uploadId));
  }

  completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly Pick<UploadedPart, 'partNumber' | 'etag'>[],
  ): Promise<void> {
    return this.#mapped(key, 'complete multipart upload', (target, Key) =>
      completeMultipartUpload(target, Key, uploadId, parts),
    );
  }

  abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    return this.#mapped(key, 'abort multipart upload', (target, Key) =>
      abortMultipartUpload(target, Key, uploadId),
    );
  }

  /** Another S3 location reachable with this one's client: same endpoint, region and credentials. */
  canCopyFrom(source: Driver): boolean {
    if (!(source instanceof S3Driver)) return false;
    const same = (name: 'endpoint' | 'key' | 'secret') => source.options[name] === this.options[name];
    return (
      same('endpoint') && same('key') && same('secret') && source.provider.region === this.provider.region
    );
  }

  async copyFrom(source: Driver, sourceKey: string, destinationKey: string): Promise<void> {
    if (!this.canCopyFrom(source)) throw new TypeError('copyFrom needs an S3Driver that canCopyFrom accepts');
    await this.#copy(source as S3Driver, sourceKey, destinationKey);
  }

  async #copy(from: S3Driver, sourceKey: string, destinationKey: string): Promise<void> {
    const source: ObjectLocation = { bucket: from.bucket, key: from.objectKey(sourceKey) };
    const destination: ObjectLocation = { bucket: this.bucket, key: this.objectKey(destinationKey) };
    let sourceHead: HeadObjectCommandOutput;
    try {
      sourceHead = await this.#head(source.key, undefined, source.bucket);
    } catch (error) {
      throw this.mapError(error, sourceKey, 'copy');
    }
    if (source.bucket === destination.bucket && source.key === destination.key) return;
    try {
      await this.trackMultipart((client) =>
        copyObject({
          client,
          quirks: this.provider,
          queueSize: this.options.queueSize,
          source,
          sourceHead,
          destination,
          writeParams: this.objectWriteParams(),
        }),
      );
    } catch (error) {
      throw this.mapError(error, destinationKey, 'copy');
    }
  }

  /** A multipart operation on the object of `key`, its failures as typed errors. */
  async #mapped<T>(
    key: string,
    operation: string,
    run: (target: MultipartTarget, objectKey: string) => Promise<T>,
  ): Promise<T> {
    const target = {
      client: this.client,
      bucket: this.bucket,
      writeParams: this.objectWriteParams(),
      maxObjectSize: this.provider.maxObjectSize,
    };
    try {
      return await run(target, this.objectKey(key));
    } catch (error) {
      throw this.mapError(error, key, operation);
    }
  }

  #head(Key: string, signal?: AbortSignal, Bucket = this.bucket): Promise<HeadObjectCommandOutput> {
    return this.client.send(new HeadObjectCommand({ Bucket, Key }), { abortSignal: signal });
  }
}
