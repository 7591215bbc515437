import type { Readable } from 'node:stream';
import { CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { formatByteSize, InvalidOptionError } from '@stowage/storage';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { Budget } from './budget.js';
import { abortMultipartUpload, completeUpload, finalObjectParams, finishedSize } from './completion.js';
import { hasAnswer, isGone, UploadStorageError } from './errors.js';
import type { S3Location } from './location.js';
import { S3_MAX_PARTS, S3_MIN_PART_SIZE, type TusOptions } from './options.js';
import { planPartSize } from './part-plan.js';
import { PartWriter } from './part-writer.js';
import { withRetries } from './retry.js';
import { contiguousBytes, listStoredParts, type StoredPart } from './stored-parts.js';
import { listObjects, type Remainder, UploadObjects, type UploadState } from './upload-objects.js';

export interface S3TusStoreOptions extends TusOptions {
  /**
   * Smallest part the store accepts as `chunkSize`: S3's 5 MiB. Only tests against an
   * emulator that allows smaller parts lower it (the location options never can).
   */
  minPartSize?: number;
}

/** An upload as this process knows it: its state and what S3 holds of it. */
interface OpenUpload {
  state: UploadState;
  objects: UploadObjects;
  parts: Map<number, StoredPart>;
  /** The remainder the offset counts, if any. */
  remainder: Remainder | undefined;
  /** Every remainder object known to exist (stale ones included), to delete once replaced. */
  remainders: Remainder[];
  /** When this process last read or changed the upload in S3. */
  seen: number;
}

/** Uploads kept in memory; beyond it the oldest are read from S3 again when resumed. */
const CACHED_UPLOADS = 10_000;
/**
 * How long what this process knows of an upload is trusted. The PATCHes of an active
 * upload follow each other faster; a client that comes back later (maybe after another
 * instance took some of its PATCHes) finds the upload read from S3 again.
 */
const CACHE_TRUSTED_MS = 30_000;

/**
 * A @tus/server DataStore on S3 multipart uploads, for any S3 location. The upload's
 * state lives in S3 beside it (`.stowage/tus/<id>/`), so any process can resume it;
 * the in-process cache only spares a ListParts per PATCH of an active upload. Parts follow a plan fixed at
 * creation (all equal but the last), and the bytes that fill no part wait in a
 * remainder object. Locking is @tus/server's (its `locker` option).
 */
export class S3TusStore extends DataStore {
  private readonly cache = new Map<string, OpenUpload>();
  private readonly partSlots: Budget;
  private readonly memory: Budget;

  constructor(
    readonly location: S3Location,
    readonly options: S3TusStoreOptions,
  ) {
    super();
    const minPartSize = options.minPartSize ?? S3_MIN_PART_SIZE;
    if (options.chunkSize < minPartSize) {
      throw new InvalidOptionError(['tus', 'chunkSize'], `must be at least ${formatByteSize(minPartSize)}`);
    }
    this.extensions = [
      'creation',
      'creation-with-upload',
      'creation-defer-length',
      'termination',
      'expiration',
    ];
    this.partSlots = new Budget(options.maxConcurrentPartUploads);
    this.memory = new Budget(options.memoryBudget);
  }

  override async create(upload: Upload): Promise<Upload> {
    const objects = new UploadObjects(this.location, upload.id);
    const state: UploadState = {
      id: upload.id,
      key: this.location.objectKey(upload.id),
      size: upload.size,
      partSize: planPartSize(upload.size, {
        chunkSize: this.options.chunkSize,
        maxParts: this.options.maxParts,
        deferredLengthMaxSize:
          this.options.deferredLengthMaxSize ?? this.options.chunkSize * this.options.maxParts,
      }),
      metadata: upload.metadata,
      creationDate: new Date().toISOString(),
      completed: upload.size === 0,
    };
    await this.storage(upload.id, 'create', async () => {
      const params = finalObjectParams(this.location, state);
      if (state.completed) {
        await this.location.client.send(new PutObjectCommand({ ...params, Body: Buffer.alloc(0) }));
      } else {
        const created = await this.location.client.send(new CreateMultipartUploadCommand(params));
        state.multipartUploadId = created.UploadId;
      }
      await objects.writeState(state);
    });
    this.remember({ state, objects, parts: new Map(), remainder: undefined, remainders: [], seen: 0 });
    upload.creation_date = state.creationDate;
    upload.storage = { type: 's3', path: state.key, bucket: this.location.bucket };
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const open = await this.open(id);
    const { state } = open;
    return new Upload({
      id,
      size: state.size,
      offset: offsetOf(open),
      metadata: state.metadata,
      creation_date: state.creationDate,
      storage: { type: 's3', path: state.key, bucket: this.location.bucket },
    });
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const open = await this.open(id);
    const { state, objects } = open;
    if (state.completed || offset !== offsetOf(open)) throw ERRORS.INVALID_OFFSET;
    const start = contiguousBytes(open.parts, state);
    const initial = open.remainder
      ? await this.storage(id, 'read remainder', () => objects.readRemainder(open.remainder!))
      : Buffer.alloc(0);
    const writer = new PartWriter({
      partSize: state.partSize,
      size: state.size,
      firstPart: start / state.partSize + 1,
      initial,
      memory: this.memory,
      uploadPart: (partNumber, body) => this.uploadPart(state, partNumber, body),
      streamPart: (partNumber, body, length, signal) =>
        this.streamPart(state, partNumber, body, length, signal),
    });
    // The request stream's own error (the client went away) is rethrown as it is: @tus/server recognises it.
    let streamError: unknown;
    try {
      for await (const chunk of stream) await writer.write(chunk as Buffer);
    } catch (error) {
      if (error !== writer.failure) streamError = error;
    }
    try {
      const leftover = await writer.finish();
      for (const [partNumber, part] of writer.stored) open.parts.set(partNumber, part);
      // After a failed part, the bytes past it count for nothing; what was stored before stays valid.
      if (writer.failure === undefined) await this.keepRemainder(open, leftover);
    } finally {
      writer.release();
    }
    if (writer.failure !== undefined) throw this.asUploadError(writer.failure, id, 'upload part');
    if (streamError !== undefined) throw streamError;
    if (state.size !== undefined && offsetOf(open) === state.size) await this.complete(open);
    this.remember(open);
    return offsetOf(open);
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    const open = await this.open(id);
    if (Math.ceil(length / open.state.partSize) > S3_MAX_PARTS) throw ERRORS.ERR_MAX_SIZE_EXCEEDED;
    const state = { ...open.state, size: length };
    await this.storage(id, 'declare length', () => open.objects.writeState(state));
    open.state = state;
  }

  /** Aborts the multipart upload and deletes every object of the upload, the finished object included. */
  override async remove(id: string): Promise<void> {
    const { state, objects } = await this.open(id);
    await this.storage(id, 'remove', async () => {
      await abortMultipartUpload(this.location, state);
      const keys = (await objects.list()).map(({ Key }) => Key!).filter((key) => key !== objects.stateKey);
      if (state.completed) keys.push(state.key);
      await objects.delete(keys);
      // The state goes last: until then, a failed removal can be repeated.
      await objects.delete([objects.stateKey]);
    });
    this.cache.delete(id);
  }

  override getExpiration(): number {
    return this.options.expiration;
  }

  /**
   * Removes the uploads of this location that expired unfinished (aborting their
   * multipart uploads) and the state of finished ones. Only uploads with a state under
   * this location's prefix are touched, never another multipart upload of the bucket.
   */
  override async deleteExpired(): Promise<number> {
    const expiration = this.getExpiration();
    if (expiration <= 0) return 0;
    const now = Date.now();
    let removed = 0;
    for (const object of await listObjects(this.location, UploadObjects.root(this.location))) {
      // A state is rewritten after its creation, never before: a recent one is no candidate.
      if (!UploadObjects.isStateKey(object.Key!) || object.LastModified!.getTime() + expiration > now)
        continue;
      const id = object.Key!.slice(UploadObjects.root(this.location).length).split('/')[0]!;
      const state = await new UploadObjects(this.location, id).readState().catch((error: unknown) => {
        if (isGone(error)) return undefined;
        throw error;
      });
      if (!state || Date.parse(state.creationDate) + expiration > now) continue;
      if (state.completed) {
        await new UploadObjects(this.location, id).delete([object.Key!]);
        this.cache.delete(id);
      } else {
        await this.remove(id);
        removed++;
      }
    }
    return removed;
  }

  /** The upload from the cache, or read from S3: 404 only when its state is definitely gone. */
  private async open(id: string): Promise<OpenUpload> {
    const cached = this.cache.get(id);
    if (cached && Date.now() - cached.seen < CACHE_TRUSTED_MS) return cached;
    const objects = new UploadObjects(this.location, id);
    let state: UploadState;
    try {
      state = await withRetries(this.options.partRetries, () => objects.readState());
    } catch (error) {
      if (isGone(error)) throw ERRORS.FILE_NOT_FOUND;
      throw this.asUploadError(error, id, 'read state');
    }
    const open: OpenUpload = {
      state,
      objects,
      parts: new Map(),
      remainder: undefined,
      remainders: [],
      seen: 0,
    };
    if (!state.completed) await this.readProgress(open);
    this.remember(open);
    // Every byte stored but not completed (a process died in between): the client would stop here.
    if (!open.state.completed && offsetOf(open) === open.state.size) await this.complete(open);
    return open;
  }

  private async readProgress(open: OpenUpload): Promise<void> {
    const { state, objects } = open;
    try {
      const [parts, remainders] = await withRetries(this.options.partRetries, () =>
        Promise.all([listStoredParts(this.location, state), objects.remainders()]),
      );
      const end = contiguousBytes(parts, state);
      open.parts = parts;
      open.remainders = remainders;
      open.remainder = remainders.filter((r) => r.start === end).sort((a, b) => b.end - a.end)[0];
    } catch (error) {
      if (!isGone(error)) throw this.asUploadError(error, state.id, 'read progress');
      // No multipart upload: completed by a process that died before it could record it, or gone.
      if (state.size === undefined || (await finishedSize(this.location, state.key)) !== state.size) {
        throw ERRORS.FILE_NO_LONGER_EXISTS;
      }
      open.state = { ...state, completed: true };
      await objects.writeState(open.state);
    }
  }

  private async uploadPart(state: UploadState, partNumber: number, body: Buffer): Promise<StoredPart> {
    return this.partSlots.use(1, () =>
      withRetries(this.options.partRetries, async () => {
        const { ETag } = await this.location.client.send(
          new UploadPartCommand({
            Bucket: this.location.bucket,
            Key: state.key,
            UploadId: state.multipartUploadId,
            PartNumber: partNumber,
            Body: body,
            ContentLength: body.length,
          }),
        );
        return { etag: ETag!, size: body.length };
      }),
    );
  }

  private async streamPart(
    state: UploadState,
    partNumber: number,
    body: Readable,
    length: number,
    signal: AbortSignal,
  ): Promise<StoredPart> {
    return this.partSlots.use(1, async () => {
      signal.throwIfAborted();
      const command = new UploadPartCommand({
        Bucket: this.location.bucket,
        Key: state.key,
        UploadId: state.multipartUploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: length,
      });
      // The SDK cannot retry a stream (and warns on the console when it fails): the retries are
      // uploadPart's, from the buffer. Its retry middleware lives on the client's stack.
      const resolve = command.resolveMiddleware.bind(command);
      command.resolveMiddleware = (clientStack, config, options) => {
        const stack = clientStack.clone();
        stack.remove('retryMiddleware');
        return resolve(stack, config, options);
      };
      const { ETag } = await this.location.client.send(command, { abortSignal: signal });
      return { etag: ETag!, size: length };
    });
  }

  /** Stores the new remainder before deleting the old ones, so that a crash in between loses nothing. */
  private async keepRemainder(open: OpenUpload, leftover: Buffer): Promise<void> {
    const start = contiguousBytes(open.parts, open.state);
    const current = open.remainder;
    let kept: Remainder | undefined;
    if (leftover.length > 0) {
      // After an empty PATCH the remainder is the same bytes: nothing to store again.
      kept =
        current?.start === start && current.end === start + leftover.length
          ? current
          : await this.storage(open.state.id, 'write remainder', () =>
              open.objects.writeRemainder(start, leftover),
            );
    }
    const stale = open.remainders.filter((remainder) => remainder.key !== kept?.key);
    open.remainder = kept;
    open.remainders = kept ? [kept] : [];
    if (stale.length > 0) {
      await this.storage(open.state.id, 'delete remainder', () =>
        open.objects.delete(stale.map(({ key }) => key)),
      );
    }
  }

  private async complete(open: OpenUpload): Promise<void> {
    const state = { ...open.state, size: open.state.size!, completed: true };
    await this.storage(state.id, 'complete', async () => {
      await completeUpload(this.location, state, open.parts);
      await open.objects.writeState(state);
    });
    open.state = state;
    open.parts = new Map();
    await this.keepRemainder(open, Buffer.alloc(0));
  }

  /** Runs S3 requests of an upload, their failures answered as a retryable 503. */
  private async storage<T>(id: string, operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(this.options.partRetries, work);
    } catch (error) {
      throw this.asUploadError(error, id, operation);
    }
  }

  private asUploadError(error: unknown, id: string, operation: string): unknown {
    // tus errors ({ status_code, body }) and our own typed ones already say what to answer.
    if (hasAnswer(error)) return error;
    const mapped = this.location.mapError(error, id, operation);
    return new UploadStorageError(mapped.message, { cause: error });
  }

  private remember(open: OpenUpload): OpenUpload {
    open.seen = Date.now();
    this.cache.delete(open.state.id);
    this.cache.set(open.state.id, open);
    if (this.cache.size > CACHED_UPLOADS) this.cache.delete(this.cache.keys().next().value!);
    return open;
  }
}

/** Where the client resumes: the end of the contiguous parts plus the remainder that starts there. */
function offsetOf({ state, parts, remainder }: OpenUpload): number {
  if (state.completed) return state.size!;
  const end = contiguousBytes(parts, state);
  return remainder?.start === end ? remainder.end : end;
}
