import type { TestProject } from 'vitest/node';
import { ensureRedisServer } from './redis-server.js';

/** Vitest globalSetup: starts the Redis test server once per test run; tests `inject('redisServer')`. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('redisServer', await ensureRedisServer());
}
