import { isNotFound } from '@stowage/storage-driver-s3';
import { ERRORS } from '@tus/utils';
import { completeUpload, finishedSize } from './completion.js';
import { asUploadError } from './errors.js';
import type { S3Location } from './location.js';
import { withRetries } from './retry.js';
import { contiguousBytes, listStoredParts, type StoredPart } from './stored-parts.js';
import { type Remainder, UploadObjects, type UploadState } from './upload-objects.js';

/**
 * An upload as this process knows it — its state and what S3 holds of it — and the
 * changes to it. Its offset is computed here and nowhere else.
 */
export class OpenUpload {
  readonly objects: UploadObjects;
  parts = new Map<number, StoredPart>();
  /** The remainder the offset counts, if any. */
  remainder: Remainder | undefined;
  /** Every remainder object known to exist (stale ones included), to delete once replaced. */
  remainders: Remainder[] = [];

  constructor(
    private readonly location: S3Location,
    private readonly retries: number,
    public state: UploadState,
  ) {
    this.objects = new UploadObjects(location, state.id);
  }

  get id(): string {
    return this.state.id;
  }

  /** The end of the contiguous parts from the first: where the next part starts. */
  get partsEnd(): number {
    return contiguousBytes(this.parts, this.state);
  }

  /** Where the client resumes: the end of the contiguous parts plus the remainder that starts there. */
  get offset(): number {
    if (this.state.completed) return this.state.size!;
    const end = this.partsEnd;
    return this.remainder?.start === end ? this.remainder.end : end;
  }

  /** Every byte is stored, but the upload is not completed (a process died in between, or the length came last). */
  get isWhole(): boolean {
    return !this.state.completed && this.offset === this.state.size;
  }

  /** Reads the parts and remainders S3 holds, for an upload this process does not know yet. */
  async readProgress(): Promise<void> {
    if (this.state.completed) return;
    try {
      const [parts, remainders] = await withRetries(this.retries, () =>
        Promise.all([listStoredParts(this.location, this.state), this.objects.remainders()]),
      );
      this.parts = parts;
      this.remainders = remainders;
      const end = this.partsEnd;
      this.remainder = remainders.filter((r) => r.start === end).sort((a, b) => b.end - a.end)[0];
    } catch (error) {
      if (!isNotFound(error)) throw asUploadError(this.location, error, this.id, 'read progress');
      // No multipart upload: completed by a process that died before it could record it, or gone.
      const { size, key } = this.state;
      if (size === undefined || (await finishedSize(this.location, key)) !== size) {
        throw ERRORS.FILE_NO_LONGER_EXISTS;
      }
      await this.step('record completion', () => this.objects.writeState({ ...this.state, completed: true }));
      this.state = { ...this.state, completed: true };
    }
  }

  /** The bytes of the remainder the offset counts: the start of the next part. */
  async readRemainder(): Promise<Buffer> {
    const remainder = this.remainder;
    if (remainder === undefined) return Buffer.alloc(0);
    return this.step('read remainder', () => this.objects.readRemainder(remainder));
  }

  addParts(stored: ReadonlyMap<number, StoredPart>): void {
    for (const [partNumber, part] of stored) this.parts.set(partNumber, part);
  }

  /** Stores the new remainder before deleting the old ones, so that a crash in between loses nothing. */
  async keepRemainder(leftover: Buffer): Promise<void> {
    const start = this.partsEnd;
    const current = this.remainder;
    let kept: Remainder | undefined;
    if (leftover.length > 0) {
      // After an empty PATCH the remainder is the same bytes: nothing to store again.
      kept =
        current?.start === start && current.end === start + leftover.length
          ? current
          : await this.step('write remainder', () => this.objects.writeRemainder(start, leftover));
    }
    const stale = this.remainders.filter((remainder) => remainder.key !== kept?.key);
    this.remainder = kept;
    this.remainders = kept ? [kept] : [];
    if (stale.length > 0) {
      await this.step('delete remainder', () => this.objects.delete(stale.map(({ key }) => key)));
    }
  }

  /** Makes the final object and records it; the remainders go last. */
  async complete(): Promise<void> {
    const state = { ...this.state, size: this.state.size!, completed: true };
    await this.step('complete', async () => {
      await completeUpload(this.location, state, this.parts);
      await this.objects.writeState(state);
    });
    this.state = state;
    this.parts = new Map();
    await this.keepRemainder(Buffer.alloc(0));
  }

  async declareLength(length: number): Promise<void> {
    const state = { ...this.state, size: length };
    await this.step('declare length', () => this.objects.writeState(state));
    this.state = state;
  }

  /** Runs S3 requests of the upload, retried, their failures answered as tus answers them. */
  step<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return withRetries(this.retries, work).catch((error: unknown) => {
      throw asUploadError(this.location, error, this.id, operation);
    });
  }
}
