import { defineProject } from 'vitest/config';
import { pgServerSetup, workspaceSources } from '../../vitest.shared.js';

export default defineProject({
  ...workspaceSources,
  test: {
    globalSetup: [pgServerSetup],
    hookTimeout: 120_000,
  },
});
