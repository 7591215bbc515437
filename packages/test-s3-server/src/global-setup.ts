import type { TestProject } from 'vitest/node';
import { ensureS3Server } from './s3-server.js';

/** Vitest globalSetup: starts the S3 test server once per test run; tests `inject('s3Server')`. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('s3Server', await ensureS3Server());
}
