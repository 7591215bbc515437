import { probeLocations } from '@stowage/api';
import { isSecretName } from '@stowage/storage';
import type { Output } from '../output/output.js';
import type { Runtime } from '../runtime.js';
import { ExitCode } from './exit-codes.js';

const MASK = '****';

/** Each location: its driver, its options as the driver took them (secrets masked) and its health probe. */
export async function locations(runtime: Runtime, output: Output): Promise<ExitCode> {
  const health = await probeLocations(runtime.storage, runtime.env.HEALTH_TIMEOUT);
  for (const name of runtime.storage.locationNames) {
    const driver = runtime.storage.driverNameOf(name);
    const isDefault = name === runtime.storage.defaultLocationName;
    const options = masked((runtime.storage.location(name) as { options?: unknown }).options ?? {});
    const report = health[name]!;
    const status = report.ok
      ? `healthy (${report.mode}, ${Math.round(report.latencyMs)} ms)`
      : `FAILING: ${'error' in report ? report.error : 'probe failed'}`;
    output.emit(
      { event: 'location', name, default: isDefault, driver, options, health: report },
      [
        `${name}${isDefault ? ' (default)' : ''}  driver ${driver}  ${status}`,
        ...Object.entries(flatten(options)).map(([path, value]) => `    ${path}: ${value}`),
      ].join('\n'),
    );
  }
  return Object.values(health).every((report) => report.ok) ? ExitCode.Ok : ExitCode.Failed;
}

/** The options with every value under a secret-sounding name (key, secret, token, password) masked. */
function masked(value: unknown, name = ''): unknown {
  if (name !== '' && isSecretName(name) && value !== undefined && value !== null) return MASK;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, masked(inner, key)]));
}

/** `{ tus: { chunkSize: 1 } }` → `{ 'tus.chunkSize': '1' }`, for the text listing. */
function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { [prefix]: Array.isArray(value) ? value.join(', ') : String(value) };
  }
  return Object.assign(
    {},
    ...Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .map(([key, inner]) => flatten(inner, prefix === '' ? key : `${prefix}.${key}`)),
  );
}
