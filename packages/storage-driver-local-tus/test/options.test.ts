import { hasResumableUploads, StorageManager } from '@stowage/storage';
import { describe, expect, it } from 'vitest';
import LocalTusDriver, { DEFAULT_TUS_EXPIRATION_MS, LocalTusStore } from '../src/index.js';

const { optionsSchema } = LocalTusDriver;

function managerWithEnv(env: Record<string, string>) {
  const manager = new StorageManager();
  manager.registerDriver('local-tus', () => import('../src/index.js'));
  return manager
    .loadFromEnv({ STORAGE_LOCATIONS: 'uploads', STORAGE_UPLOADS_DRIVER: 'local-tus', ...env })
    .then(() => manager);
}

describe('LocalTusDriver options', () => {
  it.each([
    ['1500', 1500],
    [1500, 1500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['0', 0],
  ])('reads the expiration %j as %i ms', (expiration, ms) => {
    expect(optionsSchema.parse({ root: '/data', tus: { expiration } })).toEqual({
      root: '/data',
      tus: { expiration: ms },
    });
  });

  it('defaults the expiration to 24 hours', () => {
    expect(optionsSchema.parse({ root: '/data' })).toEqual({ root: '/data' });
    const store = new LocalTusDriver({ root: '/data' }).createResumableUploadStore();
    expect(store).toBeInstanceOf(LocalTusStore);
    expect(store.getExpiration()).toBe(DEFAULT_TUS_EXPIRATION_MS);
  });

  it.each([['soon'], ['-1h'], ['1w'], [{}]])('refuses the expiration %j', (expiration) => {
    expect(() => optionsSchema.parse({ root: '/data', tus: { expiration } })).toThrow(/expected a duration/);
  });

  it('refuses unknown options, in tus too', () => {
    expect(() => optionsSchema.parse({ root: '/data', tus: { expires: '1h' } })).toThrow();
    expect(() => optionsSchema.parse({ root: '/data', bucket: 'x' })).toThrow();
  });

  it('comes from the environment: STORAGE_<LOCATION>_TUS__EXPIRATION', async () => {
    const manager = await managerWithEnv({
      STORAGE_UPLOADS_ROOT: '/data',
      STORAGE_UPLOADS_TUS__EXPIRATION: '2h',
    });
    const driver = manager.location('uploads');
    expect(driver).toBeInstanceOf(LocalTusDriver);
    if (!hasResumableUploads(driver)) throw new Error('LocalTusDriver takes resumable uploads');
    expect((driver.createResumableUploadStore() as LocalTusStore).getExpiration()).toBe(7_200_000);
  });

  it('names the variable of a wrong expiration', async () => {
    await expect(
      managerWithEnv({ STORAGE_UPLOADS_ROOT: '/data', STORAGE_UPLOADS_TUS__EXPIRATION: 'tomorrow' }),
    ).rejects.toThrow(/STORAGE_UPLOADS_TUS__EXPIRATION: expected a duration.*got "tomorrow"/);
  });
});
