import { defineProject } from 'vitest/config';
import { redisServerSetup, workspaceSources } from '../../vitest.shared.js';

export default defineProject({
  ...workspaceSources,
  test: {
    globalSetup: [redisServerSetup],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
