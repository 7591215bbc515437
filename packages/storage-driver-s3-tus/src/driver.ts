import type { ResumableUploads } from '@stowage/storage';
import { InvalidOptionError } from '@stowage/storage';
import { checkS3Options, isNotFound, S3Driver, s3OptionsShape } from '@stowage/storage-driver-s3';
import type { DataStore } from '@tus/utils';
import { z } from 'zod';
import { type TusOptions, tusOptionsSchema } from './options.js';
import { S3TusStore } from './store.js';
import { UploadObjects } from './upload-objects.js';

/** The S3 driver's options and checks, with the store's options under `tus`. */
const optionsSchema = z
  .strictObject({ ...s3OptionsShape, tus: tusOptionsSchema.prefault({}) })
  .superRefine(checkS3Options);

export type S3TusDriverOptions = z.output<typeof optionsSchema>;
export type S3TusDriverOptionsInput = z.input<typeof optionsSchema>;

/** The S3 driver that also takes resumable (TUS) uploads into its location. */
export class S3TusDriver extends S3Driver implements ResumableUploads<DataStore> {
  static override readonly optionsSchema: z.ZodType<S3TusDriverOptions, S3TusDriverOptionsInput> =
    optionsSchema;

  declare readonly options: S3TusDriverOptions;
  private store: S3TusStore | undefined;

  constructor(options: S3TusDriverOptionsInput) {
    super(options);
    // Here rather than in the schema: the message names the other option's variable.
    if (this.options.maxSockets < this.tus.maxConcurrentPartUploads) {
      throw new InvalidOptionError(
        ['tus', 'maxConcurrentPartUploads'],
        (name) =>
          `cannot exceed ${name(['maxSockets'])} (${this.options.maxSockets}): part uploads would wait for sockets`,
      );
    }
  }

  get tus(): TusOptions {
    return this.options.tus;
  }

  /** One store per location, so that its part and memory budgets hold for every upload. */
  createResumableUploadStore(): S3TusStore {
    this.store ??= new S3TusStore(this, this.tus);
    return this.store;
  }

  /** A resumable upload keeps its multipart upload until it completes or expires: the sweep leaves it to the store. */
  protected override async keepsMultipartUpload(key: string, uploadId: string): Promise<boolean> {
    if (!key.startsWith(this.root)) return false;
    const read = await new UploadObjects(this, key.slice(this.root.length))
      .readState()
      .catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
    return read !== undefined && read !== 'unchanged' && read.state.multipartUploadId === uploadId;
  }
}
