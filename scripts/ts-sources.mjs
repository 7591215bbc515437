// Lets a plain Node process (a test's child process, a benchmark) run the workspace's
// TypeScript sources: with `--conditions=source` packages resolve to their `src/*.ts`,
// whose imports name the compiled `.js` files; a missing `.js` is looked up as `.ts`.
// Use: node --conditions=source --experimental-transform-types --import <this file> file.ts
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.endsWith('.js')) throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
