export { type AppOptions, buildApp } from './app.js';
export { type ApiEnv, parseApiEnv } from './config/env.js';
export { openDatabase } from './db/database.js';
export { loadStorage } from './storage.js';
