import type { ResumableUploads } from '@stowage/storage';
import { InvalidOptionError } from '@stowage/storage';
import { S3Driver } from '@stowage/storage-driver-s3';
import type { DataStore } from '@tus/utils';
import type { z } from 'zod';
import { type TusOptions, tusOptionsSchema } from './options.js';
import { S3TusStore } from './store.js';

/**
 * The S3 driver's options, `tus` checked too. A refinement rather than a new `tus`
 * schema, so that the type stays the S3 driver's (a subclass's static side must be
 * assignable to its base's); the constructor coerces `tus` again.
 */
const optionsSchema = S3Driver.optionsSchema.superRefine((options, ctx) => {
  const parsed = tusOptionsSchema.safeParse(options.tus ?? {});
  for (const issue of parsed.error?.issues ?? [])
    ctx.addIssue({ ...issue, path: ['tus', ...issue.path] } as never);
});

export type S3TusDriverOptionsInput = z.input<typeof optionsSchema>;

/** The S3 driver that also takes resumable (TUS) uploads into its location. */
export class S3TusDriver extends S3Driver implements ResumableUploads<DataStore> {
  static override readonly optionsSchema = optionsSchema;

  readonly tus: TusOptions;
  private store: S3TusStore | undefined;

  constructor(options: S3TusDriverOptionsInput) {
    super(options);
    this.tus = tusOptionsSchema.parse(options.tus ?? {});
    if (this.options.maxSockets < this.tus.maxConcurrentPartUploads) {
      throw new InvalidOptionError(
        ['tus', 'maxConcurrentPartUploads'],
        (name) =>
          `cannot exceed ${name(['maxSockets'])} (${this.options.maxSockets}): part uploads would wait for sockets`,
      );
    }
  }

  /** One store per location, so that its part and memory budgets hold for every upload. */
  createResumableUploadStore(): S3TusStore {
    this.store ??= new S3TusStore(this, this.tus);
    return this.store;
  }
}
