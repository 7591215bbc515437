import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { HealthReport } from '@stowage/storage';
import type { HealthCheckMode } from './providers.js';
import type { ObjectParams } from './write.js';

export interface ProbeTarget {
  /** Ends the probe's requests when the caller stops waiting. */
  signal?: AbortSignal | undefined;
  client: S3Client;
  bucket: string;
  root: string;
  mode: HealthCheckMode;
  /** A fresh key under the reserved folder, for the read-write probe. */
  probeKey(): string;
  writeParams: Omit<ObjectParams, 'Bucket' | 'Key'>;
  describe(error: unknown, key: string, operation: string): Error;
}

/**
 * `read-write` puts, reads back and deletes a small object (the only check that the
 * credentials may write); `read-only` lists one key under the root, which costs
 * nothing where every stored object is billed for a minimum time (Wasabi).
 */
export async function probeBucket(target: ProbeTarget): Promise<HealthReport> {
  const started = performance.now();
  const report = (error?: string): HealthReport => ({
    ok: error === undefined,
    mode: target.mode,
    latencyMs: performance.now() - started,
    ...(error === undefined ? {} : { error }),
  });
  const { client, bucket } = target;
  const options = { abortSignal: target.signal };
  let key = target.root;
  let operation = 'list';
  try {
    if (target.mode === 'read-only') {
      await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: target.root, MaxKeys: 1 }),
        options,
      );
      return report();
    }
    key = target.probeKey();
    const payload = randomBytes(32);
    operation = 'write';
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: payload, ...target.writeParams }),
      options,
    );
    try {
      operation = 'read';
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), options);
      const read = Buffer.from((await Body?.transformToByteArray()) ?? []);
      if (!read.equals(payload)) return report('The probe object read back different bytes');
    } finally {
      operation = 'delete';
      // Not cancelled with the probe: the probe object must not stay behind.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    }
    return report();
  } catch (error) {
    return report(target.describe(error, key, operation).message);
  }
}

export const newProbeName = () => `health/probe-${randomUUID()}`;
