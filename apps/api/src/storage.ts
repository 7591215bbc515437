import { StorageManager } from '@stowage/storage';

/**
 * The storage locations of this deployment. Drivers are registered lazily: only the
 * packages of drivers that a location uses are ever imported. The TUS-capable variants
 * extend the plain drivers, so every location can take resumable uploads.
 */
export async function loadStorage(env: Record<string, string | undefined>): Promise<StorageManager> {
  const storage = new StorageManager();
  storage.registerDriver('local', () => import('@stowage/storage-driver-local-tus'));
  storage.registerDriver('s3', () => import('@stowage/storage-driver-s3-tus'));
  await storage.loadFromEnv(env);
  return storage;
}
