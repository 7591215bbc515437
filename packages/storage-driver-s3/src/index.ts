import { S3Driver } from './s3-driver.js';

export { optionsSchema, type S3DriverOptions, type S3DriverOptionsInput } from './options.js';
export type { ChecksumMode, HealthCheckMode, Provider, ProviderQuirks } from './providers.js';
export { type ObjectWriteParams, S3Driver } from './s3-driver.js';
export default S3Driver;
