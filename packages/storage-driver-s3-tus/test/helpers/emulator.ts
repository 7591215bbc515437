import { createS3Emulator, type ProviderName, type S3Emulator } from '@stowage/s3-emulator';
import { S3TusDriver, S3TusStore, type TusOptionsInput, tusOptionsSchema } from '../../src/index.js';

export const BUCKET = 'uploads';

/**
 * An emulated S3 that takes parts as small as `minPartSize` (default `partSize`), and a
 * store whose plan uses parts of `partSize`: uploads of many parts with little data (S3
 * itself refuses parts under 5 MiB, and so do the location options).
 */
export function emulatedStore(
  name: string,
  {
    profile = 'aws',
    partSize,
    minPartSize = partSize,
    tus = {},
  }: { profile?: ProviderName; partSize: number; minPartSize?: number; tus?: TusOptionsInput },
): { emulator: S3Emulator; driver: S3TusDriver; store: S3TusStore; newStore: () => S3TusStore } {
  const emulator = createS3Emulator({ profile, endpoint: `http://${name}.s3.test`, minPartSize })
    .listen()
    .createBucket(BUCKET);
  const { endpoint, region, credentials } = emulator.clientConfig;
  const driver = new S3TusDriver({
    bucket: BUCKET,
    endpoint,
    region,
    key: credentials.accessKeyId,
    secret: credentials.secretAccessKey,
    provider: profile === 'r2' ? 'r2' : 'aws',
    forcePathStyle: true,
  });
  const options = tusOptionsSchema.parse({ partRetries: 1, ...tus });
  // Another store on the same location starts cold, as another process (or a restarted one) would.
  const newStore = () => new S3TusStore(driver, { ...options, chunkSize: partSize, minPartSize });
  return { emulator, driver, store: newStore(), newStore };
}
