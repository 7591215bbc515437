export {
  createS3Emulator,
  type EmulatedObject,
  type EmulatedUpload,
  type EmulatorClientConfig,
  S3Emulator,
  type S3EmulatorOptions,
} from './emulator.js';
export type { Fault, FaultEffect, FaultMatch, InjectedFault } from './faults.js';
export { type S3Operation, s3Operations } from './operation.js';
export type { EmulatorLimits } from './operations/context.js';
export { type ProviderName, type ProviderProfile, providerProfiles } from './profiles.js';
export type { ObjectAttributes, StoredSse } from './store.js';
