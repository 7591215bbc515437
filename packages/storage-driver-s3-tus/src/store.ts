import type { Readable } from 'node:stream';
import { CreateMultipartUploadCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { formatByteSize, InvalidOptionError } from '@stowage/storage';
import { isNotFound, listObjects, MAX_PARTS, MIN_PART_SIZE } from '@stowage/storage-driver-s3';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { Budget } from './budget.js';
import { abortMultipartUpload, finalObjectParams } from './completion.js';
import { asUploadError } from './errors.js';
import type { S3Location } from './location.js';
import type { OpenUpload } from './open-upload.js';
import { OpenUploads } from './open-uploads.js';
import type { TusOptions } from './options.js';
import { planPartSize } from './part-plan.js';
import { PartUploads } from './part-uploads.js';
import { PartWriter } from './part-writer.js';
import { withRetries } from './retry.js';
import { UploadObjects, type UploadState } from './upload-objects.js';

export interface S3TusStoreOptions extends TusOptions {
  /**
   * Smallest part the store accepts as `chunkSize`: S3's 5 MiB. Only tests against an
   * emulator that allows smaller parts lower it (the location options never can).
   */
  minPartSize?: number;
}

/**
 * A @tus/server DataStore on S3 multipart uploads, for any S3 location. The upload's
 * state lives in S3 beside it (`.stowage/tus/<id>/`), so any process can resume it;
 * an in-process cache (OpenUploads) only spares a ListParts per PATCH of an active
 * upload. Parts follow a plan fixed at creation (all equal but the last), and the bytes
 * that fill no part wait in a remainder object. Locking is @tus/server's (its `locker`
 * option).
 */
export class S3TusStore extends DataStore {
  private readonly uploads: OpenUploads;
  private readonly partUploads: PartUploads;
  private readonly memory: Budget;

  constructor(
    readonly location: S3Location,
    readonly options: S3TusStoreOptions,
  ) {
    super();
    const minPartSize = options.minPartSize ?? MIN_PART_SIZE;
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
    this.uploads = new OpenUploads(location, options.partRetries);
    this.partUploads = new PartUploads(location, {
      maxConcurrent: options.maxConcurrentPartUploads,
      retries: options.partRetries,
    });
    this.memory = new Budget(options.memoryBudget);
  }

  override async create(upload: Upload): Promise<Upload> {
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
    // All or nothing: a multipart upload whose state could not be stored is aborted again
    // (by trackMultipart at once, or by the location's sweep if the process dies first).
    await withRetries(this.options.partRetries, () =>
      this.location.trackMultipart(async (client) => {
        const params = finalObjectParams(this.location, state);
        if (state.completed) {
          await client.send(new PutObjectCommand({ ...params, Body: Buffer.alloc(0) }));
        } else {
          const created = await client.send(new CreateMultipartUploadCommand(params));
          state.multipartUploadId = created.UploadId;
        }
        await new UploadObjects(this.location, state.id).writeState(state);
      }),
    ).catch((error: unknown) => {
      throw asUploadError(this.location, error, upload.id, 'create');
    });
    this.uploads.created(state);
    upload.creation_date = state.creationDate;
    upload.storage = this.storageOf(state);
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const open = await this.uploads.open(id);
    const { state } = open;
    return new Upload({
      id,
      size: state.size,
      offset: open.offset,
      metadata: state.metadata,
      creation_date: state.creationDate,
      storage: this.storageOf(state),
    });
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const open = await this.uploads.open(id);
    if (open.state.completed || offset !== open.offset) throw ERRORS.INVALID_OFFSET;
    const streamError = await this.receive(open, stream);
    if (streamError !== undefined) throw streamError;
    if (open.isWhole) await open.complete();
    this.uploads.remember(open);
    return open.offset;
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    const open = await this.uploads.open(id);
    if (Math.ceil(length / open.state.partSize) > MAX_PARTS) throw ERRORS.ERR_MAX_SIZE_EXCEEDED;
    await open.declareLength(length);
  }

  /** Aborts the multipart upload and deletes every object of the upload, the finished object included. */
  override async remove(id: string): Promise<void> {
    const open = await this.uploads.open(id);
    const { state, objects } = open;
    await open.step('remove', async () => {
      await abortMultipartUpload(this.location, state);
      const keys = (await objects.list()).map(({ Key }) => Key!).filter((key) => key !== objects.stateKey);
      if (state.completed) keys.push(state.key);
      await objects.delete(keys);
      // The state goes last: until then, a failed removal can be repeated.
      await objects.delete([objects.stateKey]);
    });
    this.uploads.forget(id);
  }

  override getExpiration(): number {
    return this.options.expiration;
  }

  /**
   * Removes the uploads of this location that expired unfinished (aborting their
   * multipart uploads) and the state of finished ones, never a finished object: an
   * upload whose every byte is stored is completed rather than removed. Only uploads
   * with a state under this location's prefix are touched, never another multipart
   * upload of the bucket.
   */
  override async deleteExpired(): Promise<number> {
    const expiration = this.getExpiration();
    if (expiration <= 0) return 0;
    const now = Date.now();
    const root = UploadObjects.root(this.location);
    let removed = 0;
    for await (const object of listObjects(this.location.client, this.location.bucket, root)) {
      // A state is rewritten after its creation, never before: a recent one is no candidate.
      if (!UploadObjects.isStateKey(object.Key!) || object.LastModified!.getTime() + expiration > now)
        continue;
      const id = object.Key!.slice(root.length).split('/')[0]!;
      const objects = new UploadObjects(this.location, id);
      const state = await objects.readState().catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      if (!state || Date.parse(state.creationDate) + expiration > now) continue;
      // Opening completes an upload whose bytes are all stored but that no process completed.
      const open = await this.uploads.open(id).catch((error: unknown) => {
        if (error !== ERRORS.FILE_NO_LONGER_EXISTS) throw error;
        return undefined;
      });
      if (open?.state.completed) {
        await objects.delete([object.Key!]);
        this.uploads.forget(id);
      } else if (open) {
        await this.remove(id);
        removed++;
      } else {
        // Neither its multipart upload nor a finished object remains: only its own objects.
        await objects.delete((await objects.list()).map(({ Key }) => Key!));
        removed++;
      }
    }
    return removed;
  }

  /**
   * Cuts the PATCH body into parts, stores them and keeps what fills no part as the new
   * remainder. Answers the request stream's own error (the client went away), which is
   * rethrown as it is: @tus/server recognises it. A failed part fails the PATCH; the
   * parts stored before it stay valid, the bytes past it count for nothing.
   */
  private async receive(open: OpenUpload, stream: Readable): Promise<unknown> {
    const { state } = open;
    const writer = new PartWriter({
      partSize: state.partSize,
      size: state.size,
      firstPart: open.partsEnd / state.partSize + 1,
      initial: await open.readRemainder(),
      memory: this.memory,
      uploadPart: (partNumber, body) => this.partUploads.buffered(state, partNumber, body),
      streamPart: (partNumber, body, length, signal) =>
        this.partUploads.streamed(state, partNumber, body, length, signal),
    });
    let streamError: unknown;
    try {
      for await (const chunk of stream) await writer.write(chunk as Buffer);
    } catch (error) {
      if (error !== writer.failure) streamError = error;
    }
    try {
      const leftover = await writer.finish();
      open.addParts(writer.stored);
      if (writer.failure === undefined) await open.keepRemainder(leftover);
    } finally {
      writer.release();
    }
    if (writer.failure !== undefined)
      throw asUploadError(this.location, writer.failure, open.id, 'upload part');
    return streamError;
  }

  private storageOf(state: UploadState): Upload['storage'] {
    return { type: 's3', path: state.key, bucket: this.location.bucket };
  }
}
