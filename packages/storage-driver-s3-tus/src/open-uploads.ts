import { isNotFound } from '@stowage/storage-driver-s3';
import { ERRORS } from '@tus/utils';
import { asUploadError } from './errors.js';
import type { S3Location } from './location.js';
import { OpenUpload } from './open-upload.js';
import { withRetries } from './retry.js';
import { UploadObjects, type UploadState } from './upload-objects.js';

/** Uploads kept in memory; beyond it the oldest are read from S3 again when resumed. */
const CACHED_UPLOADS = 10_000;
/**
 * How long what this process knows of an upload is trusted. The PATCHes of an active
 * upload follow each other faster; a client that comes back later (maybe after another
 * instance took some of its PATCHes) finds the upload read from S3 again.
 */
const CACHE_TRUSTED_MS = 30_000;

/**
 * The uploads this process has open: from its cache, or read from S3 — where an upload
 * whose every byte is stored but that no process completed is completed on the way.
 */
export class OpenUploads {
  private readonly cache = new Map<string, { upload: OpenUpload; seen: number }>();

  constructor(
    private readonly location: S3Location,
    private readonly retries: number,
  ) {}

  /** A new upload, whose state is already stored. */
  created(state: UploadState): OpenUpload {
    return this.remember(new OpenUpload(this.location, this.retries, state));
  }

  /** The upload, 404 only when its state is definitely gone. */
  async open(id: string): Promise<OpenUpload> {
    const cached = this.cache.get(id);
    if (cached && Date.now() - cached.seen < CACHE_TRUSTED_MS) return cached.upload;
    const objects = new UploadObjects(this.location, id);
    let state: UploadState;
    try {
      state = await withRetries(this.retries, () => objects.readState());
    } catch (error) {
      if (isNotFound(error)) throw ERRORS.FILE_NOT_FOUND;
      throw asUploadError(this.location, error, id, 'read state');
    }
    const upload = new OpenUpload(this.location, this.retries, state);
    await upload.readProgress();
    this.remember(upload);
    // The client would stop here, every byte sent: the upload must not stay unfinished.
    if (upload.isWhole) await upload.complete();
    return upload;
  }

  remember(upload: OpenUpload): OpenUpload {
    this.cache.delete(upload.id);
    this.cache.set(upload.id, { upload, seen: Date.now() });
    if (this.cache.size > CACHED_UPLOADS) this.cache.delete(this.cache.keys().next().value!);
    return upload;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }
}
