export * from './black-hole.js';
export * from './buckets.js';
export * from './location-env.js';
export * from './private-server.js';
export * from './s3-server.js';
