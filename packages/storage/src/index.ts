export * from './capabilities/health-probe.js';
export * from './capabilities/presigned-urls.js';
export * from './capabilities/resumable-uploads.js';
export * from './capabilities/server-side-copy.js';
export * from './driver.js';
export * from './errors.js';
export * from './keys.js';
export * from './range.js';
