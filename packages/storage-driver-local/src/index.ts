import { LocalDriver } from './local-driver.js';

export { LocalDriver } from './local-driver.js';
export { type LocalDriverOptions, localDriverOptionsSchema } from './options.js';
export default LocalDriver;
