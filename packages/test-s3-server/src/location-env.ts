import type { S3ServerInfo } from './s3-server.js';

/** The STORAGE_<NAME>_* variables of an S3 location on the test server (`options`: more of them, e.g. ROOT). */
export function s3LocationEnv(
  name: string,
  server: S3ServerInfo,
  bucket: string,
  options: Record<string, string> = {},
): Record<string, string> {
  const prefix = `STORAGE_${name.toUpperCase()}_`;
  const all: Record<string, string> = {
    DRIVER: 's3',
    BUCKET: bucket,
    ENDPOINT: server.endpoint,
    REGION: server.region,
    KEY: server.accessKeyId,
    SECRET: server.secretAccessKey,
    PROVIDER: 'ceph',
    ...options,
  };
  return Object.fromEntries(Object.entries(all).map(([option, value]) => [`${prefix}${option}`, value]));
}
