import type { ResumableUploads } from '@stowage/storage';
import { LocalDriver } from '@stowage/storage-driver-local';
import type { DataStore } from '@tus/utils';
import { LocalTusStore } from './local-tus-store.js';
import {
  DEFAULT_TUS_EXPIRATION_MS,
  type LocalTusDriverOptions,
  localTusDriverOptionsSchema,
} from './options.js';

/**
 * The local driver, taking resumable (TUS) uploads too: each upload's bytes collect in
 * the root's reserved folder and are renamed to the key (the upload id) once complete.
 */
export class LocalTusDriver extends LocalDriver implements ResumableUploads<DataStore> {
  static override readonly optionsSchema = localTusDriverOptionsSchema;

  declare readonly options: LocalTusDriverOptions;

  // Only to take the tus options as well.
  constructor(options: LocalTusDriverOptions) {
    super(options);
  }

  createResumableUploadStore(): LocalTusStore {
    return new LocalTusStore({
      driver: this,
      expiration: this.options.tus?.expiration ?? DEFAULT_TUS_EXPIRATION_MS,
    });
  }
}
