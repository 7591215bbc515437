import type { TestProject } from 'vitest/node';
import { ensurePgServer } from './pg-server.js';

/** Vitest globalSetup: starts the PostgreSQL test server once per test run; tests `inject('pgServer')`. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('pgServer', await ensurePgServer());
}
