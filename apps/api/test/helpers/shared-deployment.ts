import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { PgServerInfo } from '@stowage/test-pg-server';
import { createTestDatabase } from '@stowage/test-pg-server';
import type { RedisServerInfo } from '@stowage/test-redis-server';
import { createTestBucket, rawS3Client, type S3ServerInfo } from '@stowage/test-s3-server';
import { type Cluster, startCluster } from './cluster.js';
import { s3LocationEnv } from './s3-env.js';

export const CLUSTER_TOKEN = 'scale-out-test-token-0123456789';

export interface Servers {
  s3: S3ServerInfo;
  pg: PgServerInfo;
  redis: RedisServerInfo;
}

export interface SharedDeployment {
  cluster: Cluster;
  /** Location name → its bucket. */
  buckets: Record<string, string>;
  s3: S3Client;
  close(): Promise<void>;
}

/**
 * What several instances share: one PostgreSQL database, two S3 locations (`alpha`,
 * `beta`, a bucket each) and the locker, here `TUS_LOCKER=locker`; then the instances
 * behind a round-robin proxy. `env` adds to (or overrides) the instances' environment.
 */
export async function startSharedDeployment(
  servers: Servers,
  locker: 'postgres' | 'redis',
  env: Record<string, string> = {},
): Promise<SharedDeployment> {
  const database = await createTestDatabase(servers.pg, `scale_out_${locker}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-scale-out-'));
  const alpha = await createTestBucket(servers.s3, 'scale-alpha');
  const beta = await createTestBucket(servers.s3, 'scale-beta');
  const cleanups = [
    () => alpha.remove(),
    () => beta.remove(),
    () => database.drop(),
    () => rm(dataDir, { recursive: true, force: true }),
  ];
  const close = async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
  };
  try {
    const cluster = await startCluster({
      ADMIN_TOKEN: CLUSTER_TOKEN,
      // Each instance's own folder would be its DATA_DIR; nothing of it is shared, and none is used here.
      DATA_DIR: dataDir,
      DB_CLIENT: 'pg',
      DB_CONNECTION_STRING: database.connectionString,
      TUS_LOCKER: locker,
      // A Redis server is shared by every test run on this machine: keys of this deployment's own.
      ...(locker === 'redis' && {
        REDIS_URL: servers.redis.url,
        REDIS_KEY_PREFIX: `stowage-test-${randomUUID()}:`,
        TUS_LOCK_TTL: '2s',
      }),
      STORAGE_LOCATIONS: 'alpha,beta',
      ...s3LocationEnv('alpha', servers.s3, alpha.bucket),
      ...s3LocationEnv('beta', servers.s3, beta.bucket),
      ...env,
    });
    cleanups.unshift(() => cluster.stop());
    const s3 = rawS3Client(servers.s3);
    cleanups.push(async () => s3.destroy());
    return { cluster, buckets: { alpha: alpha.bucket, beta: beta.bucket }, s3, close };
  } catch (error) {
    await close();
    throw error;
  }
}
