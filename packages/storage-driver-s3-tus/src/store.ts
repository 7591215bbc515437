import type { Readable } from 'node:stream';
import { CreateMultipartUploadCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { formatByteSize, InvalidOptionError } from '@stowage/storage';
import { isNotFound, listObjects, MAX_PARTS, MIN_PART_SIZE } from '@stowage/storage-driver-s3';
import {
  Budget,
  type Concatenation,
  type ConcatRole,
  type ContentDigests,
  currentWriteRequest,
  EMPTY_SHA256,
  EXTENSION_ERRORS,
  isEmptyBody,
  markFinal,
  type PartialUpload,
} from '@stowage/tus-extensions';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { abortMultipartUpload, finalObjectParams } from './completion.js';
import { concatenate } from './concatenation.js';
import { asUploadError } from './errors.js';
import type { S3Location } from './location.js';
import { OpenUploads } from './open-uploads.js';
import type { TusOptions } from './options.js';
import { PartBuffers } from './part-buffers.js';
import { type PartFit, planPartSize } from './part-plan.js';
import { PartUploads } from './part-uploads.js';
import { receivePatch } from './receive-patch.js';
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
 * state lives in S3 beside it (`.stowage/tus/<id>/state.json`) and records what every
 * acknowledged request stored, so any process resumes it: every request revalidates it
 * (OpenUploads). Parts follow a plan fixed at creation (all equal but the last), and the
 * bytes that fill no part wait in a remainder object. Checksums (Upload-Checksum),
 * concatenation (Upload-Concat) and the content's SHA-256 come with it; locking is
 * @tus/server's (its `locker` option).
 */
export class S3TusStore extends DataStore implements ContentDigests, Concatenation {
  private readonly uploads: OpenUploads;
  private readonly partUploads: PartUploads;
  private readonly memory: Budget;
  private readonly buffers: PartBuffers;
  private readonly fit: PartFit;

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
      'checksum',
      'concatenation',
    ];
    this.uploads = new OpenUploads(location, options.partRetries);
    this.partUploads = new PartUploads(location, {
      maxConcurrent: options.maxConcurrentPartUploads,
      retries: options.partRetries,
    });
    this.memory = new Budget(options.memoryBudget);
    this.buffers = new PartBuffers(options.memoryBudget);
    this.fit = { fitToBody: !location.provider.requireEqualParts, minPartSize, maxParts: options.maxParts };
  }

  override async create(upload: Upload): Promise<Upload> {
    const partial = currentWriteRequest().concat === 'partial';
    const state: UploadState = {
      id: upload.id,
      // A partial upload's bytes are no file of the location: they wait in the reserved folder.
      key: partial
        ? new UploadObjects(this.location, upload.id).partialKey
        : this.location.objectKey(upload.id),
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
      ...(upload.size === 0 && { sha256: EMPTY_SHA256 }),
      ...(partial && { concat: { kind: 'partial' as const } }),
    };
    // All or nothing: a multipart upload whose state could not be stored is aborted again
    // (by trackMultipart at once, or by the location's sweep if the process dies first).
    const etag = await withRetries(this.options.partRetries, () =>
      this.location.trackMultipart(async (client) => {
        const params = finalObjectParams(this.location, state);
        if (state.completed) {
          await client.send(new PutObjectCommand({ ...params, Body: Buffer.alloc(0) }));
        } else {
          const created = await client.send(new CreateMultipartUploadCommand(params));
          state.multipartUploadId = created.UploadId;
        }
        return new UploadObjects(this.location, state.id).writeState(state);
      }),
    ).catch((error: unknown) => {
      throw asUploadError(this.location, error, upload.id, 'create');
    });
    this.uploads.created(state, etag);
    upload.creation_date = state.creationDate;
    upload.storage = this.storageOf(state);
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const open = await this.uploads.open(id);
    const { state } = open;
    const upload = new Upload({
      id,
      size: state.size,
      offset: open.offset,
      metadata: state.metadata,
      creation_date: state.creationDate,
      storage: this.storageOf(state),
    });
    return state.concat?.kind === 'final' ? markFinal(upload) : upload;
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const open = await this.uploads.open(id);
    if (open.state.concat?.kind === 'final') throw EXTENSION_ERRORS.PATCH_ON_FINAL;
    if (open.state.completed) {
      // An empty request at the end of a finished upload is answered with its offset, as tusd does.
      if (offset === open.offset && (await isEmptyBody(stream))) return offset;
      throw ERRORS.INVALID_OFFSET;
    }
    if (offset !== open.offset) throw ERRORS.INVALID_OFFSET;
    await receivePatch(open, stream, {
      location: this.location,
      partUploads: this.partUploads,
      memory: this.memory,
      buffers: this.buffers,
      fit: this.fit,
    });
    if (open.isWhole) await open.complete(await open.finalDigest());
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

  /**
   * remove(), false when the upload was gone already: several API instances' expiry
   * runs may overlap, and the one that finds the state removed has nothing left to do.
   */
  private async removeUnlessGone(id: string): Promise<boolean> {
    try {
      await this.remove(id);
      return true;
    } catch (error) {
      if (error === ERRORS.FILE_NOT_FOUND) return false;
      throw error;
    }
  }

  override getExpiration(): number {
    return this.options.expiration;
  }

  /**
   * Removes the uploads of this location that expired unfinished (aborting their
   * multipart uploads), partial uploads never joined, and the state of finished ones,
   * never a finished object: an upload whose every byte is stored is completed rather
   * than removed. Only uploads with a state under this location's prefix are touched,
   * never another multipart upload of the bucket.
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
      const read = await objects.readState().catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      const state = read === undefined || read === 'unchanged' ? undefined : read.state;
      if (!state || Date.parse(state.creationDate) + expiration > now) continue;
      // Opening completes an upload whose bytes are all stored but that no process completed.
      const open = await this.uploads.open(id).catch((error: unknown) => {
        // Gone meanwhile (another instance's expiry, or termination): nothing left to do.
        if (error === ERRORS.FILE_NOT_FOUND) return 'gone' as const;
        if (error !== ERRORS.FILE_NO_LONGER_EXISTS) throw error;
        return undefined;
      });
      if (open === 'gone') continue;
      if (open?.state.completed && open.state.concat?.kind !== 'partial') {
        await objects.delete([object.Key!]);
        this.uploads.forget(id);
      } else if (open) {
        if (await this.removeUnlessGone(id)) removed++;
      } else {
        // Neither its multipart upload nor a finished object remains: only its own objects.
        await objects.delete((await objects.list()).map(({ Key }) => Key!));
        removed++;
      }
    }
    return removed;
  }

  async contentDigest(id: string): Promise<string | undefined> {
    const { state } = await this.uploads.open(id);
    return state.completed ? state.sha256 : undefined;
  }

  async describeConcat(id: string): Promise<ConcatRole> {
    const open = await this.uploads.open(id);
    const { concat, completed, size } = open.state;
    if (concat?.kind === 'final') return { kind: 'final', partials: concat.partials };
    if (concat?.kind === 'partial') return { kind: 'partial', finished: completed, size };
    return { kind: 'none' };
  }

  async concatenate(upload: Upload, partials: PartialUpload[]): Promise<Upload> {
    const sources = await Promise.all(
      partials.map(async ({ id }) => {
        const { state } = await this.uploads.open(id);
        if (state.concat?.kind !== 'partial' || !state.completed) throw EXTENSION_ERRORS.PARTIAL_UNFINISHED;
        return { key: state.key, size: state.size! };
      }),
    );
    const size = sources.reduce((total, source) => total + source.size, 0);
    const state = {
      id: upload.id,
      key: this.location.objectKey(upload.id),
      size,
      partSize: this.options.chunkSize,
      metadata: upload.metadata,
      creationDate: new Date().toISOString(),
      completed: false,
      concat: { kind: 'final' as const, partials: partials.map(({ id }) => id) },
    };
    const joined = await concatenate(state, sources, {
      location: this.location,
      partUploads: this.partUploads,
      memory: this.memory,
      retries: this.options.partRetries,
      partSize: this.options.chunkSize,
      ...(this.options.minPartSize !== undefined && { minPartSize: this.options.minPartSize }),
    }).catch((error: unknown) => {
      throw asUploadError(this.location, error, upload.id, 'concatenate');
    });
    this.uploads.created(joined.state, joined.etag);
    // Joined: the partials are no longer needed (a failure here leaves them to expire).
    await Promise.all(partials.map(({ id }) => this.remove(id).catch(() => {})));
    upload.size = size;
    upload.offset = size;
    upload.creation_date = joined.state.creationDate;
    upload.storage = this.storageOf(joined.state);
    return upload;
  }

  private storageOf(state: UploadState): Upload['storage'] {
    return { type: 's3', path: state.key, bucket: this.location.bucket };
  }
}
