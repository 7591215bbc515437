export * from './buckets.js';
export * from './s3-server.js';
