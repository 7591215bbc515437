// Lets Node run the workspace's TypeScript sources directly (child processes of the
// tests, the benchmark): `.js` imports between sources name `.ts` files.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.endsWith('.js') || !context.parentURL?.endsWith('.ts')) throw error;
    return next(specifier.slice(0, -3) + '.ts', context);
  }
}`),
);
