import { duration } from '@stowage/storage';
import { localDriverOptionsSchema } from '@stowage/storage-driver-local';
import { z } from 'zod';

/** Unfinished uploads live this long by default: as long as the local driver keeps an idle temporary file. */
export const DEFAULT_TUS_EXPIRATION_MS = 24 * 60 * 60 * 1000;

export const localTusDriverOptionsSchema = localDriverOptionsSchema.extend({
  tus: z
    .strictObject({
      /**
       * How long an upload may stay unfinished, counted from its creation (`Upload-Expires`);
       * `0` never expires. Finished files never expire. Default 24h.
       */
      expiration: duration().optional(),
    })
    .optional(),
});

export type LocalTusDriverOptions = z.infer<typeof localTusDriverOptionsSchema>;
