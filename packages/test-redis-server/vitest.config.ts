import { defineProject } from 'vitest/config';
import { redisServerSetup, workspaceSources } from '../../vitest.shared.js';

export default defineProject({
  ...workspaceSources,
  test: {
    globalSetup: [redisServerSetup],
    hookTimeout: 60_000,
  },
});
