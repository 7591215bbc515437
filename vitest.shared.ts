import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('.', import.meta.url).pathname;

// Tests run on the workspace packages' TypeScript sources (each export's "source"
// condition), so no package has to be built before another one's tests. Aliases
// rather than resolve conditions: a custom condition list would also change how Vite
// resolves the AWS SDK (its extensionless "module" build), which Node then cannot load.
const aliases = ['packages', 'apps'].flatMap((folder) =>
  readdirSync(join(root, folder)).flatMap((name) => {
    const dir = join(root, folder, name);
    let manifest: { name: string; exports?: Record<string, { source?: string }> };
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      return [];
    }
    return Object.entries(manifest.exports ?? {})
      .filter(([, target]) => target.source)
      .map(([subpath, target]) => ({
        find: new RegExp(`^${manifest.name}${subpath.slice(1)}$`),
        replacement: join(dir, target.source as string),
      }));
  }),
);

export const workspaceSources = { resolve: { alias: aliases } };

/** Vitest globalSetup that starts (or reuses) the real S3 test server; tests `inject('s3Server')`. */
export const s3ServerSetup = join(root, 'packages/test-s3-server/src/global-setup.ts');

/** Vitest globalSetup that starts (or reuses) the PostgreSQL test server; tests `inject('pgServer')`. */
export const pgServerSetup = join(root, 'packages/test-pg-server/src/global-setup.ts');

/** Vitest globalSetup that starts (or reuses) the Redis test server; tests `inject('redisServer')`. */
export const redisServerSetup = join(root, 'packages/test-redis-server/src/global-setup.ts');
