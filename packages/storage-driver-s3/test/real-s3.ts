import { createTestBucket, type S3ServerInfo } from '@stowage/test-s3-server';
import { afterAll, beforeAll, inject } from 'vitest';
import { S3Driver, type S3DriverOptionsInput } from '../src/index.js';

export const server = inject('s3Server');

/** Options reaching the real test server (Ceph RGW). */
export function serverOptions(info: S3ServerInfo, bucket: string): S3DriverOptionsInput {
  return {
    bucket,
    endpoint: info.endpoint,
    region: info.region,
    key: info.accessKeyId,
    secret: info.secretAccessKey,
    provider: 'ceph',
  };
}

/** A bucket of its own for the calling test file, removed after it. */
export function useTestBucket(label: string): { readonly name: string } {
  const bucket = { name: '' };
  let remove: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (!server) return;
    const created = await createTestBucket(server, label);
    bucket.name = created.bucket;
    remove = created.remove;
  });
  afterAll(() => remove?.());
  return bucket;
}

export function driverOn(bucket: string, options: Partial<S3DriverOptionsInput> = {}): S3Driver {
  if (!server) throw new Error('No S3 test server');
  return new S3Driver({ ...serverOptions(server, bucket), ...options });
}
