import { isNotFound } from '@stowage/storage-driver-s3';
import { currentWriteRequest } from '@stowage/tus-extensions';
import { ERRORS } from '@tus/utils';
import { asUploadError } from './errors.js';
import type { S3Location } from './location.js';
import { OpenUpload } from './open-upload.js';
import { withRetries } from './retry.js';
import { UploadObjects, type UploadState } from './upload-objects.js';

/** Uploads whose last known state is kept in memory; beyond it the oldest are read whole again. */
const CACHED_UPLOADS = 10_000;

/**
 * The uploads this process has open. Every request revalidates its upload against the
 * state object (a GET with If-None-Match: a 304 when nothing changed), so a view is never
 * older than the last commit by any process — another instance, or this one before a
 * crash — and a cold process needs no more than that one GET, once per request (a
 * PATCH opens its upload twice: @tus/server's getUpload, then write, under one lock).
 * So nothing serving a write request may open its upload before the request holds the
 * upload's lock: that view would be trusted for the rest of the request.
 * An upload whose every byte was acknowledged but that no process completed is
 * completed on the way.
 */
export class OpenUploads {
  private readonly cache = new Map<string, OpenUpload>();
  /** The uploads revalidated (or created) during each write request being served. */
  private readonly revalidated = new WeakMap<object, Set<string>>();

  constructor(
    private readonly location: S3Location,
    private readonly retries: number,
  ) {}

  /** A new upload, whose state is already stored as `etag`. */
  created(state: UploadState, etag: string): OpenUpload {
    this.current(state.id);
    return this.remember(new OpenUpload(this.location, this.retries, state, etag));
  }

  /** The upload as of its last commit; 404 only when its state is definitely gone. */
  async open(id: string): Promise<OpenUpload> {
    const cached = this.cache.get(id);
    if (cached && this.revalidated.get(currentWriteRequest())?.has(id)) return cached;
    const objects = cached?.objects ?? new UploadObjects(this.location, id);
    let read: Awaited<ReturnType<UploadObjects['readState']>>;
    try {
      read = await withRetries(this.retries, () => objects.readState(cached?.etag));
    } catch (error) {
      if (isNotFound(error)) {
        this.cache.delete(id);
        throw ERRORS.FILE_NOT_FOUND;
      }
      throw asUploadError(this.location, error, id, 'read state');
    }
    this.current(id);
    if (read === 'unchanged') return cached!;
    const upload = new OpenUpload(this.location, this.retries, read.state, read.etag);
    await upload.readLegacyProgress();
    this.remember(upload);
    // The client would stop here, every byte sent: the upload must not stay unfinished.
    if (upload.isWhole) await upload.complete(await upload.finalDigest());
    return upload;
  }

  remember(upload: OpenUpload): OpenUpload {
    this.cache.delete(upload.id);
    this.cache.set(upload.id, upload);
    if (this.cache.size > CACHED_UPLOADS) this.cache.delete(this.cache.keys().next().value!);
    return upload;
  }

  /** Notes that the request being served has seen the upload's latest state. */
  private current(id: string): void {
    const request = currentWriteRequest();
    const seen = this.revalidated.get(request) ?? new Set<string>();
    this.revalidated.set(request, seen.add(id));
  }

  forget(id: string): void {
    this.cache.delete(id);
  }
}
