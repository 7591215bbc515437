import { S3TusDriver } from './driver.js';

export { S3TusDriver, type S3TusDriverOptions, type S3TusDriverOptionsInput } from './driver.js';
export type { S3Location } from './location.js';
export { type TusOptions, type TusOptionsInput, tusOptionsSchema } from './options.js';
export { S3TusStore, type S3TusStoreOptions } from './store.js';
export default S3TusDriver;
