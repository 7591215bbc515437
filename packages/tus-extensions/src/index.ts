export { Budget } from './budget.js';
export * from './capabilities.js';
export {
  BodyChecksum,
  CHECKSUM_ALGORITHMS,
  type ChecksumAlgorithm,
  type ExpectedChecksum,
  parseUploadChecksum,
} from './checksum.js';
export { ContentDigest, EMPTY_SHA256 } from './content-digest.js';
export { DRAIN_LIMITS, drainRequest } from './drain-request.js';
export { EXTENSION_ERRORS, type ExtensionError } from './errors.js';
export { isEmptyBody, isFinal, markFinal } from './final-uploads.js';
export { TusServer, type TusServerOptions } from './server.js';
export { currentWriteRequest, type WriteRequest, withWriteRequest } from './write-request.js';
