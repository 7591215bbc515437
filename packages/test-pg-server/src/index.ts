export * from './pg-server.js';
export * from './test-databases.js';
