import { isNotFound } from '@stowage/storage-driver-s3';
import { ContentDigest } from '@stowage/tus-extensions';
import { ERRORS } from '@tus/utils';
import { checkFinishedSize, completeUpload, finishedSize } from './completion.js';
import { asUploadError } from './errors.js';
import type { S3Location } from './location.js';
import { bytesOfParts } from './part-plan.js';
import { withRetries } from './retry.js';
import { contiguousPartCount, listStoredParts } from './stored-parts.js';
import { type Progress, type Remainder, UploadObjects, type UploadState } from './upload-objects.js';

/**
 * An upload as this process knows it — its state, as of the state object's ETag — and
 * the changes to it. Every change is committed by writing the state, which is what any
 * process (another instance, or this one after a crash) resumes from. The offset is
 * computed here and nowhere else.
 */
export class OpenUpload {
  readonly objects: UploadObjects;

  constructor(
    private readonly location: S3Location,
    private readonly retries: number,
    public state: UploadState,
    /** The ETag of the state object this view was read from or written as. */
    public etag: string,
  ) {
    this.objects = new UploadObjects(location, state.id);
  }

  get id(): string {
    return this.state.id;
  }

  get progress(): Progress {
    return this.state.progress ?? { parts: 0 };
  }

  /** The end of the acknowledged whole parts: where the next part starts. */
  get partsEnd(): number {
    const { parts, end } = this.progress;
    return end ?? bytesOfParts(parts, this.state);
  }

  /** Where the client resumes: the end of the acknowledged parts plus the remainder after them. */
  get offset(): number {
    if (this.state.completed) return this.state.size!;
    const { remainder } = this.progress;
    return remainder ? remainder.end : this.partsEnd;
  }

  /** Every byte is acknowledged, but the upload is not completed (a process died in between, or the length came last). */
  get isWhole(): boolean {
    return !this.state.completed && this.offset === this.state.size;
  }

  /**
   * A state written before progress was kept in it: what S3 holds is read once (its
   * contiguous parts and the remainder after them), without a digest.
   */
  async readLegacyProgress(): Promise<void> {
    if (this.state.completed || this.state.progress !== undefined) return;
    try {
      const [parts, remainders] = await withRetries(this.retries, () =>
        Promise.all([listStoredParts(this.location, this.state), this.objects.remainders()]),
      );
      const count = contiguousPartCount(parts, this.state);
      const end = bytesOfParts(count, this.state);
      const remainder = remainders.filter((r) => r.start === end).sort((a, b) => b.end - a.end)[0];
      this.state = { ...this.state, progress: { parts: count, ...(remainder && { remainder }) } };
    } catch (error) {
      if (!isNotFound(error)) throw asUploadError(this.location, error, this.id, 'read progress');
      // No multipart upload: completed by a process that died before it could record it, or gone.
      const { size, key } = this.state;
      if (size === undefined || (await finishedSize(this.location, key)) !== size) {
        throw ERRORS.FILE_NO_LONGER_EXISTS;
      }
      await this.writeState({ ...this.state, completed: true });
    }
  }

  /** The digest to continue with this request's bytes; undefined when a byte before them went unseen. */
  async resumeDigest(): Promise<ContentDigest | undefined> {
    const { digest } = this.progress;
    if (digest !== undefined) return ContentDigest.start(digest);
    return this.offset === 0 ? ContentDigest.start() : undefined;
  }

  /** The SHA-256 of every acknowledged byte, when the store saw them all. */
  async finalDigest(): Promise<string | undefined> {
    const { digest } = this.progress;
    if (digest !== undefined) return (await ContentDigest.start(digest)).hex();
    return this.offset === 0 ? (await ContentDigest.start()).hex() : undefined;
  }

  /** The bytes of the remainder: the start of the next part. */
  async readRemainder(): Promise<Buffer> {
    const { remainder } = this.progress;
    if (remainder === undefined) return Buffer.alloc(0);
    return this.step('read remainder', () => this.objects.readRemainder(remainder));
  }

  /**
   * Acknowledges what a request stored: the new remainder is written first, then the
   * state that points at it (the commit), then the remainders it replaces are deleted —
   * a crash at any point leaves the previous progress or the new one, never a mix.
   */
  async commit(progress: {
    parts: number;
    /** Bytes of parts 1 to `parts`. */
    end: number;
    leftover: Buffer;
    digest: string | undefined;
  }): Promise<void> {
    const start = progress.end;
    const current = this.progress.remainder;
    let remainder: Remainder | undefined;
    if (progress.leftover.length > 0) {
      // After an empty PATCH the remainder is the same bytes: nothing to store again.
      remainder =
        current?.start === start && current.end === start + progress.leftover.length
          ? current
          : await this.step('write remainder', () => this.objects.writeRemainder(start, progress.leftover));
    }
    await this.writeState({
      ...this.state,
      progress: {
        parts: progress.parts,
        end: progress.end,
        ...(remainder && { remainder }),
        ...(progress.digest !== undefined && { digest: progress.digest }),
      },
    });
    if (current !== undefined && current.key !== remainder?.key) {
      await this.step('delete remainder', () => this.objects.delete([current.key]));
    }
  }

  /**
   * Makes the final object from the parts S3 holds (every acknowledged part was stored
   * last by the request that acknowledged it), records it, then deletes the remainder
   * objects that are left.
   */
  async complete(sha256: string | undefined): Promise<void> {
    const state: UploadState & { size: number } = { ...this.state, size: this.state.size! };
    await this.step('complete', async () => {
      const parts = await listStoredParts(this.location, state).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      // No multipart upload left: a process completed it and died before recording it;
      // the object's size says whether that completion went through.
      if (parts === undefined) await checkFinishedSize(this.location, state);
      else await completeUpload(this.location, state, parts, this.progress.parts);
    });
    const { progress: _, ...completed } = state;
    await this.writeState({ ...completed, completed: true, ...(sha256 !== undefined && { sha256 }) });
    const leftovers = await this.step('list remainders', () => this.objects.remainders());
    if (leftovers.length > 0)
      await this.step('delete remainder', () => this.objects.delete(leftovers.map(({ key }) => key)));
  }

  async declareLength(length: number): Promise<void> {
    await this.writeState({ ...this.state, size: length });
  }

  async writeState(state: UploadState): Promise<void> {
    this.etag = await this.step('write state', () => this.objects.writeState(state));
    this.state = state;
  }

  /** Runs S3 requests of the upload, retried, their failures answered as tus answers them. */
  step<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return withRetries(this.retries, work).catch((error: unknown) => {
      throw asUploadError(this.location, error, this.id, operation);
    });
  }
}
