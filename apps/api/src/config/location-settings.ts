import { type Driver, hasPresignedUrls, InvalidConfigError, readStorageEnv } from '@stowage/storage';
import { z } from 'zod';

type Env = Record<string, string | undefined>;

/** How `GET /assets/:id` serves a location's files: streamed through the API, or a 302 to a presigned URL. */
export type AssetsMode = 'proxy' | 'redirect';

/** The API's own settings of a location (`STORAGE_<NAME>_ASSETS__*`), beside its driver's options. */
export interface LocationSettings {
  assetsMode: AssetsMode;
  /** The variable that set the mode, for messages. */
  assetsModeVariable?: string;
}

export const DEFAULT_LOCATION_SETTINGS: LocationSettings = { assetsMode: 'proxy' };

/** The option namespace the API keeps for itself: drivers (strict schemas) would refuse it. */
const NAMESPACE = 'assets';
const assetsSchema = z.strictObject({ mode: z.enum(['proxy', 'redirect']).default('proxy') });

/**
 * Splits the `STORAGE_<NAME>_ASSETS__*` variables off the environment: they configure how
 * the API serves a location, not its driver, so the drivers are handed the rest. Reads
 * them as the storage manager reads driver options (same ownership of variables by the
 * longest location name, same `_FILE` variants) and names the variable in every problem.
 */
export function readLocationSettings(env: Env): { settings: Map<string, LocationSettings>; driverEnv: Env } {
  const settings = new Map<string, LocationSettings>();
  const driverEnv = { ...env };
  const problems: string[] = [];
  // Problems of the locations themselves are the storage manager's to report.
  for (const location of readStorageEnv(env).locations) {
    const raw = location.options[NAMESPACE];
    if (raw === undefined) continue;
    const variables =
      typeof raw === 'object' && raw !== null
        ? Object.keys(raw).map((option) => location.variableOf([NAMESPACE, option]))
        : [location.variableOf([NAMESPACE])];
    for (const variable of variables) delete driverEnv[variable];
    const parsed = assetsSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys)
            problems.push(`${location.variableOf([NAMESPACE, key])}: unknown setting (known: ASSETS__MODE)`);
        } else problems.push(`${location.variableOf([NAMESPACE, ...issue.path])}: ${describe(issue)}`);
      }
      continue;
    }
    settings.set(location.name, {
      assetsMode: parsed.data.mode,
      assetsModeVariable: location.variableOf([NAMESPACE, 'mode']),
    });
  }
  if (problems.length > 0) throw new InvalidConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return { settings, driverEnv };
}

function describe(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_type' && issue.path.length === 0
    ? 'not a setting: use ASSETS__MODE'
    : issue.message;
}

/** A redirect needs URLs the backend accepts without us: refused for a driver that cannot presign them. */
export function checkLocationSettings(
  settings: ReadonlyMap<string, LocationSettings>,
  driverOf: (location: string) => Driver,
): void {
  const problems = [...settings]
    .filter(([name, { assetsMode }]) => assetsMode === 'redirect' && !hasPresignedUrls(driverOf(name)))
    .map(
      ([name, { assetsModeVariable }]) =>
        `${assetsModeVariable}=redirect: the driver of location "${name}" cannot presign downloads (only S3 locations can); use proxy`,
    );
  if (problems.length > 0) throw new InvalidConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
