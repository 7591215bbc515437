import { defineProject } from 'vitest/config';
import { pgServerSetup, workspaceSources } from '../../vitest.shared.js';

export default defineProject({
  ...workspaceSources,
  test: {
    globalSetup: [pgServerSetup],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
