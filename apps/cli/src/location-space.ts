import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Runtime } from './runtime.js';

/**
 * Where a location keeps its keys, as one comparable address: `file:///srv/files/` or
 * `s3://<endpoint>/<bucket>/<root>`. Two locations can share a bucket or a folder, one
 * inside the other's root (`archive` at `s3/archive/`): the outer one then lists the
 * inner one's files, which its own records do not own. Undefined for a driver whose
 * options this CLI does not know (its listing is then taken as its own).
 */
export function addressOf(runtime: Runtime, location: string): string | undefined {
  const driver = runtime.storage.location(location) as { options?: Record<string, unknown> };
  const options = driver.options ?? {};
  switch (runtime.storage.driverNameOf(location)) {
    case 'local':
      return `file://${withSlash(realPath(resolve(String(options.root))))}`;
    case 's3': {
      const root = String(options.root ?? '').replace(/^\/+|\/+$/g, '');
      return `s3://${options.endpoint ?? 'aws'}/${options.bucket}/${root === '' ? '' : `${root}/`}`;
    }
    default:
      return undefined;
  }
}

/** Of a location's keys, the ones that belong to other locations too. */
export interface SharedKeys {
  /** Locations whose root is the same as this one's: their records own keys here too. */
  sameRoot: string[];
  /** Key prefixes that are the roots of locations inside this one: never this one's to judge. */
  nestedPrefixes: string[];
}

export function sharedKeysOf(runtime: Runtime, location: string): SharedKeys {
  const own = addressOf(runtime, location);
  const shared: SharedKeys = { sameRoot: [], nestedPrefixes: [] };
  if (own === undefined) return shared;
  for (const other of runtime.storage.locationNames) {
    const address = other === location ? undefined : addressOf(runtime, other);
    if (address === undefined || !address.startsWith(own)) continue;
    if (address === own) shared.sameRoot.push(other);
    else shared.nestedPrefixes.push(address.slice(own.length));
  }
  return shared;
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** Symlinked roots compare by where they lead; a root not created yet by its own path. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
