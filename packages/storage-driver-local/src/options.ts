import { z } from 'zod';

export const localDriverOptionsSchema = z.strictObject({
  /** The folder holding the location's files; created (with its parents) if missing. */
  root: z.string().min(1),
});

export type LocalDriverOptions = z.infer<typeof localDriverOptionsSchema>;
