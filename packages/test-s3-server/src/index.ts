export * from './buckets.js';
export * from './location-env.js';
export * from './s3-server.js';
