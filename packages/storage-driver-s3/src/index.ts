import { S3Driver } from './s3-driver.js';

export { copySource, type ObjectLocation } from './copy.js';
export { isNotFound, isNotImplemented, mapS3Error, statusOf } from './errors.js';
export { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from './limits.js';
export { listObjects } from './list-objects.js';
export { listParts } from './list-parts.js';
export {
  checkS3Options,
  optionsSchema,
  type S3DriverOptions,
  type S3DriverOptionsInput,
  s3OptionsShape,
} from './options.js';
export type { ChecksumMode, HealthCheckMode, Provider, ProviderQuirks } from './providers.js';
export { type ObjectWriteParams, S3Driver } from './s3-driver.js';
export default S3Driver;
