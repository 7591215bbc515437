import type { Driver } from '../driver.js';

/**
 * Drivers that take resumable (TUS) uploads into their location. The store is a
 * @tus/server DataStore; the core names it only as a type parameter so that it does
 * not depend on @tus/server (the API narrows it to DataStore).
 */
export interface ResumableUploads<Store = unknown> {
  createResumableUploadStore(): Store;
}

export function hasResumableUploads<D extends Driver>(driver: D): driver is D & ResumableUploads {
  return typeof (driver as Partial<ResumableUploads>).createResumableUploadStore === 'function';
}
