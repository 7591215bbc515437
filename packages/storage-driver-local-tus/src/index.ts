import { LocalTusDriver } from './local-tus-driver.js';

export { LocalTusDriver } from './local-tus-driver.js';
export { LocalTusStore, type LocalTusStoreOptions } from './local-tus-store.js';
export {
  DEFAULT_TUS_EXPIRATION_MS,
  type LocalTusDriverOptions,
  localTusDriverOptionsSchema,
} from './options.js';
export default LocalTusDriver;
