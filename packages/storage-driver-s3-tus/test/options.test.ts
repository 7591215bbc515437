import { StorageManager } from '@stowage/storage';
import { describe, expect, it } from 'vitest';
import S3TusDriver from '../src/index.js';

const MiB = 1024 * 1024;

async function load(env: Record<string, string>) {
  const storage = new StorageManager();
  storage.registerDriver('s3', () => import('../src/index.js'));
  await storage.loadFromEnv({
    STORAGE_LOCATIONS: 'uploads',
    STORAGE_UPLOADS_DRIVER: 's3',
    STORAGE_UPLOADS_BUCKET: 'bucket',
    STORAGE_UPLOADS_REGION: 'us-east-1',
    ...env,
  });
  return storage.location('uploads') as S3TusDriver;
}

describe('tus options of an S3 location', () => {
  it('are coerced from the environment, with defaults', async () => {
    const driver = await load({
      STORAGE_UPLOADS_TUS__CHUNK_SIZE: '16MiB',
      STORAGE_UPLOADS_TUS__MAX_CONCURRENT_PART_UPLOADS: '20',
      STORAGE_UPLOADS_TUS__EXPIRATION: '2h',
    });
    expect(driver.tus).toMatchObject({
      chunkSize: 16 * MiB,
      maxConcurrentPartUploads: 20,
      expiration: 7_200_000,
      maxParts: 10_000,
      memoryBudget: 48 * MiB,
      partRetries: 3,
    });
    expect(driver.createResumableUploadStore()).toBe(driver.createResumableUploadStore());
  });

  it('refuse a chunk size under 5 MiB, naming the variable', async () => {
    await expect(load({ STORAGE_UPLOADS_TUS__CHUNK_SIZE: '4MiB' })).rejects.toThrow(
      /STORAGE_UPLOADS_TUS__CHUNK_SIZE: .*between 5 MiB and 5 GiB, got "4MiB"/,
    );
  });

  it('refuse unknown tus options and more part uploads than sockets', async () => {
    await expect(load({ STORAGE_UPLOADS_TUS__CHUNK_SIZ: '8MiB' })).rejects.toThrow(
      /STORAGE_UPLOADS_TUS__CHUNK_SIZ/,
    );
    await expect(
      load({ STORAGE_UPLOADS_MAX_SOCKETS: '10', STORAGE_UPLOADS_TUS__MAX_CONCURRENT_PART_UPLOADS: '60' }),
    ).rejects.toThrow(
      /STORAGE_UPLOADS_TUS__MAX_CONCURRENT_PART_UPLOADS: cannot exceed STORAGE_UPLOADS_MAX_SOCKETS/,
    );
  });

  it('refuse a chunk size in code under 5 MiB too', () => {
    expect(() => S3TusDriver.optionsSchema.parse({ bucket: 'b', tus: { chunkSize: MiB } })).toThrow(/5 MiB/);
  });
});
