import { defineProject } from 'vitest/config';
import { pgServerSetup, redisServerSetup, s3ServerSetup, workspaceSources } from '../../vitest.shared.js';

export default defineProject({
  ...workspaceSources,
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: [s3ServerSetup, pgServerSetup, redisServerSetup],
    // Two cores: the suites start servers and child processes of their own.
    fileParallelism: false,
  },
});
