import { duration, envInteger } from '@stowage/storage';
import { z } from 'zod';

export const TUS_LOCKERS = ['memory', 'postgres', 'redis'] as const;
export type TusLockerKind = (typeof TUS_LOCKERS)[number];

/** The variables that let several instances serve one deployment (see README: "Running several instances"). */
export const coordinationEnvShape = {
  /** Default: postgres with DB_CLIENT=pg (no extra server), else memory (one instance). */
  TUS_LOCKER: z.enum(TUS_LOCKERS).optional(),
  REDIS_URL: z
    .string()
    .trim()
    .refine(
      (value) => /^rediss?:$/.test(URL.parse(value)?.protocol ?? ''),
      'expected a redis:// or rediss:// URL',
    )
    .optional(),
  /** How long a TUS request waits for its upload's lock before answering 500 (the client retries). */
  TUS_LOCK_TIMEOUT: duration({ min: 1 }).default(30_000),
  /** TUS_LOCKER=redis: before every key, so that deployments sharing a Redis server never share locks. */
  REDIS_KEY_PREFIX: z.string().min(1).default('stowage:'),
  /** TUS_LOCKER=redis: how long a crashed instance's uploads stay locked (renewed every third of it while held). */
  TUS_LOCK_TTL: duration({ min: 30 }).optional(),
  /** TUS_LOCKER=postgres: connections of the locker; a running TUS request holds one, the listener one more. */
  TUS_LOCK_CONNECTIONS: envInteger({ min: 2 }).optional(),
};

interface CoordinationEnv {
  DB_CLIENT: 'sqlite' | 'pg';
  TUS_LOCKER?: TusLockerKind | undefined;
  REDIS_URL?: string | undefined;
  TUS_LOCK_TTL?: number | undefined;
  TUS_LOCK_CONNECTIONS?: number | undefined;
}

/** The locker the environment asks for, its default applied. */
export function tusLockerOf(env: CoordinationEnv): TusLockerKind {
  return env.TUS_LOCKER ?? (env.DB_CLIENT === 'pg' ? 'postgres' : 'memory');
}

/** Combinations that cannot work stop the start, naming the variable to change. */
export function checkCoordinationEnv(env: CoordinationEnv, context: z.RefinementCtx): void {
  const locker = tusLockerOf(env);
  if (locker === 'postgres' && env.DB_CLIENT !== 'pg') {
    context.addIssue({
      code: 'custom',
      path: ['TUS_LOCKER'],
      message: 'postgres needs DB_CLIENT=pg (the locks live in the metadata database)',
    });
  }
  if (locker === 'redis' && !env.REDIS_URL) {
    context.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'is required when TUS_LOCKER=redis' });
  }
  const onlyFor = { TUS_LOCK_TTL: 'redis', TUS_LOCK_CONNECTIONS: 'postgres' } as const;
  for (const [variable, kind] of Object.entries(onlyFor) as [keyof typeof onlyFor, TusLockerKind][]) {
    if (env[variable] !== undefined && locker !== kind) {
      context.addIssue({
        code: 'custom',
        path: [variable],
        message: `applies to TUS_LOCKER=${kind} only (the locker is ${locker})`,
      });
    }
  }
}
