import { byteSize, duration, envBoolean, envInteger, InvalidConfigError } from '@stowage/storage';
import { z } from 'zod';
import { checkCoordinationEnv, coordinationEnvShape, tusLockerOf } from './coordination-env.js';

const MiB = 1024 ** 2;
const HOUR = 3_600_000;
/** What SigV4 allows a presigned URL, and so what we allow any URL that grants access. */
const WEEK = 7 * 24 * HOUR;

const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));

/** Every variable the API reads besides STORAGE_* (which the storage manager validates). */
const apiEnvSchema = z
  .object({
    PORT: envInteger({ min: 0, max: 65_535 }).default(8055),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_URL: url.optional(),
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().min(1).default('./data'),
    DB_CLIENT: z.enum(['sqlite', 'pg']).default('sqlite'),
    DB_FILENAME: z.string().min(1).optional(),
    DB_CONNECTION_STRING: z.string().min(1).optional(),
    FILES_MAX_UPLOAD_SIZE: byteSize({ min: 1 }).default(10 * 1024 ** 3),
    TUS_ENABLED: envBoolean.default(true),
    TUS_CHUNK_SIZE: byteSize({ min: 1 }).default(8 * 1024 ** 2),
    TUS_UPLOAD_EXPIRATION: duration({ min: 1 }).default(24 * 3_600_000),
    TUS_CLEANUP_INTERVAL: duration({ min: 1 }).default(15 * 60_000),
    TUS_CONCURRENT_WRITES: envInteger({ min: 1, max: 10_000 }).default(8),
    /** false: this instance runs no cleanup (another instance of the deployment does). */
    CLEANUP_ENABLED: envBoolean.default(true),
    /** Temporary files and multipart uploads that no live write touched for this long are removed. */
    CLEANUP_ABANDONED_AFTER: duration({ min: 0 }).default(3_600_000),
    /** How long one location's health probe may take before it counts as failed. */
    HEALTH_TIMEOUT: duration({ min: 1 }).default(5000),
    /** A request body that sends nothing for this long is aborted; 0 never. */
    UPLOAD_IDLE_TIMEOUT: duration({ min: 0 }).default(60_000),
    ASSETS_PUBLIC: envBoolean.default(false),
    ASSETS_CACHE_CONTROL: z.string().min(1).default('no-cache'),
    ASSETS_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    ASSETS_SIGNED_URL_TTL: duration({ min: 1000, max: WEEK }).default(HOUR),
    ASSETS_REDIRECT_TTL: duration({ min: 10_000, max: WEEK }).default(5 * 60_000),
    FILES_DIRECT_UPLOAD_MULTIPART_THRESHOLD: byteSize({ min: 0, max: 5 * 1024 * MiB }).default(100 * MiB),
    FILES_DIRECT_UPLOAD_URL_TTL: duration({ min: 60_000, max: WEEK }).default(HOUR),
    FILES_DIRECT_UPLOAD_EXPIRATION: duration({ min: 1000 }).default(24 * HOUR),
    CORS_ORIGIN: z.string().min(1).default('*'),
    ...coordinationEnvShape,
  })
  .superRefine((env, context) => {
    if (env.DB_CLIENT === 'pg' && !env.DB_CONNECTION_STRING) {
      context.addIssue({
        code: 'custom',
        path: ['DB_CONNECTION_STRING'],
        message: 'is required when DB_CLIENT=pg',
      });
    }
    checkCoordinationEnv(env, context);
  })
  .transform((env) => ({ ...env, TUS_LOCKER: tusLockerOf(env) }));

export type ApiEnv = z.output<typeof apiEnvSchema>;

/**
 * Validates the API's variables. Empty strings count as unset (as in most .env tooling).
 * Throws InvalidConfigError whose one-line message names every faulty variable.
 */
export function parseApiEnv(env: Record<string, string | undefined>): ApiEnv {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = apiEnvSchema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new InvalidConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
