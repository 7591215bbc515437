import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../vitest.shared.js';

export default defineProject({
  ...workspaceSources,
  test: { testTimeout: 60_000, hookTimeout: 120_000 },
});
