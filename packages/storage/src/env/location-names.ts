import { InvalidConfigError } from '../errors.js';

/**
 * Location names are case-insensitive (kept lower-case) and made of a-z, 0-9 and "_",
 * since they become part of variable names. They cannot start or end with "_" nor
 * contain "__": that would make `STORAGE_<NAME>_...` ambiguous with the "__" nesting
 * of options.
 */
const LOCATION_NAME = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/** The lower-case name, or InvalidConfigError saying what is allowed. */
export function normalizeLocationName(name: string): string {
  const normalized = name.trim().toLowerCase();
  if (!LOCATION_NAME.test(normalized)) {
    throw new InvalidConfigError(
      `invalid location name ${JSON.stringify(name)}: use a-z, 0-9 and single "_" between them`,
    );
  }
  return normalized;
}

/** `STORAGE_LOCATIONS`: names separated by commas, blanks trimmed, the first is the default. */
export function parseLocationList(value: string, variable: string): { names: string[]; problems: string[] } {
  const names: string[] = [];
  const problems: string[] = [];
  for (const item of value.split(',')) {
    if (item.trim() === '') continue;
    try {
      const name = normalizeLocationName(item);
      if (names.includes(name)) problems.push(`${variable}: location "${name}" is listed twice`);
      else names.push(name);
    } catch (error) {
      problems.push(`${variable}: ${(error as Error).message}`);
    }
  }
  if (names.length === 0 && problems.length === 0) problems.push(locationsRequired(variable));
  return { names, problems };
}

export function locationsRequired(variable: string): string {
  return `${variable} is required: a comma-separated list of storage location names, the first being the default`;
}
