import { locationsRequired, parseLocationList } from './location-names.js';
import { type Env, readVariable, type VariableValue } from './read-variable.js';
import {
  envVariableName,
  FILE_SUFFIX,
  locationVariablePrefix,
  optionPathOf,
  STORAGE_VARIABLE_PREFIX,
  variablePath,
} from './variable-names.js';

export const LOCATIONS_VARIABLE = 'STORAGE_LOCATIONS';

/** A location as the environment describes it; option values are still strings. */
export interface EnvLocation {
  name: string;
  driver: string;
  /** The variable that named the driver (`STORAGE_<NAME>_DRIVER` or its `_FILE`). */
  driverVariable: string;
  /** Nested as the `__` of the variable names say; the driver's schema coerces them. */
  options: Record<string, unknown>;
  /** The variable that set the option (its `_FILE` when that one was used), or would set it. */
  variableOf(optionPath: readonly PropertyKey[]): string;
}

export interface StorageEnv {
  /** In `STORAGE_LOCATIONS` order, the first being the default. */
  locations: EnvLocation[];
  /** Each names its variable. A location with a problem is left out of `locations`. */
  problems: string[];
}

/**
 * Reads the `STORAGE_*` variables: `STORAGE_LOCATIONS`, then for each location its
 * `STORAGE_<NAME>_DRIVER` and `STORAGE_<NAME>_<OPTION>` variables. A variable belongs to
 * the location with the longest matching name, so location `s3` never receives the
 * variables of location `s3_archive`. Variables of no listed location are ignored.
 */
export function readStorageEnv(env: Env): StorageEnv {
  const list = readVariable(env, LOCATIONS_VARIABLE);
  if (list.problem !== undefined) return { locations: [], problems: [list.problem] };
  if (list.value === undefined) return { locations: [], problems: [locationsRequired(LOCATIONS_VARIABLE)] };
  const { names, problems } = parseLocationList(list.value, list.variable);

  const variablesByLocation = groupByLocation(env, names);
  const locations: EnvLocation[] = [];
  for (const name of names) {
    const result = readLocation(env, name, variablesByLocation.get(name) ?? []);
    if ('problems' in result) problems.push(...result.problems);
    else locations.push(result);
  }
  return { locations, problems };
}

/** The set variables (`_FILE` ones included) of each location, sorted by name. */
function groupByLocation(env: Env, locations: readonly string[]): Map<string, string[]> {
  const longestFirst = [...locations].sort((a, b) => b.length - a.length);
  const groups = new Map<string, string[]>();
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith(STORAGE_VARIABLE_PREFIX) || !env[variable]) continue;
    const owner = longestFirst.find((location) => variable.startsWith(locationVariablePrefix(location)));
    if (owner === undefined) continue;
    groups.set(owner, [...(groups.get(owner) ?? []), variable]);
  }
  return groups;
}

function readLocation(
  env: Env,
  name: string,
  variables: readonly string[],
): EnvLocation | { problems: string[] } {
  const prefix = locationVariablePrefix(name);
  const problems: string[] = [];
  const options: Record<string, unknown> = {};
  const variableByPath = new Map<string, string>();
  let driver: VariableValue | undefined;

  const baseNames = new Set(
    variables.map((variable) =>
      variable.endsWith(FILE_SUFFIX) ? variable.slice(0, -FILE_SUFFIX.length) : variable,
    ),
  );
  for (const baseName of baseNames) {
    const suffix = baseName.slice(prefix.length);
    const optionPath = suffix === 'DRIVER' ? [] : optionPathOf(suffix);
    if (optionPath === undefined) {
      const variable = variables.find(
        (candidate) => candidate === baseName || candidate === `${baseName}${FILE_SUFFIX}`,
      )!;
      problems.push(
        `${variable}: not an option variable of location "${name}" (upper-case words joined by "_", "__" to nest)`,
      );
      continue;
    }
    const read = readVariable(env, baseName);
    if (optionPath.length === 0) driver = read;
    if (read.problem !== undefined) problems.push(read.problem);
    if (read.value === undefined || optionPath.length === 0) continue;
    const conflict = setOption(options, optionPath, read.value, read.variable, variableByPath);
    if (conflict !== undefined) problems.push(conflict);
  }

  if (driver?.value === undefined && driver?.problem === undefined) {
    problems.push(`${prefix}DRIVER is required (location "${name}")`);
  }
  if (problems.length > 0 || driver?.value === undefined) return { problems };
  return {
    name,
    driver: driver.value.trim(),
    driverVariable: driver.variable,
    options,
    variableOf: (optionPath) =>
      variableByPath.get(pathKey(variablePath(optionPath))) ?? envVariableName(name, optionPath),
  };
}

/** Sets `options[a][b]...`; a problem when one variable sets a value where another sets nested options. */
function setOption(
  options: Record<string, unknown>,
  optionPath: readonly string[],
  value: string,
  variable: string,
  variableByPath: Map<string, string>,
): string | undefined {
  const conflictWith = (other: string) =>
    `${variable} conflicts with ${other}: both set option "${optionPath.join('.')}" or a part of it`;
  let level = options;
  for (const [depth, part] of optionPath.slice(0, -1).entries()) {
    if (!Object.hasOwn(level, part)) level[part] = {};
    const next = level[part];
    if (typeof next === 'string')
      return conflictWith(variableByPath.get(pathKey(optionPath.slice(0, depth + 1)))!);
    level = next as Record<string, unknown>;
  }
  const leaf = optionPath.at(-1)!;
  if (Object.hasOwn(level, leaf)) {
    const nestedPrefix = `${pathKey(optionPath)}\0`;
    const other =
      variableByPath.get(pathKey(optionPath)) ??
      [...variableByPath].find(([key]) => key.startsWith(nestedPrefix))![1];
    return conflictWith(other);
  }
  level[leaf] = value;
  variableByPath.set(pathKey(optionPath), variable);
  return undefined;
}

function pathKey(optionPath: readonly string[]): string {
  return optionPath.join('\0');
}
