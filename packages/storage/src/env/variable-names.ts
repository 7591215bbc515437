/**
 * How storage environment variables are named: `STORAGE_<LOCATION>_<OPTION>`, the
 * option's camelCase words joined by `_`, nested options joined by `__`
 * (`STORAGE_S3_TUS__CHUNK_SIZE` is option `tus.chunkSize` of location `s3`).
 */
export const STORAGE_VARIABLE_PREFIX = 'STORAGE_';

/** `<VAR>_FILE` holds the path of a file whose content is the value (container secrets). */
export const FILE_SUFFIX = '_FILE';

const NESTING = '__';

/** Upper-case words joined by `_`, levels joined by `__`. */
const OPTION_VARIABLE = /^[A-Z0-9]+(?:_[A-Z0-9]+)*(?:__[A-Z0-9]+(?:_[A-Z0-9]+)*)*$/;

export function locationVariablePrefix(location: string): string {
  return `${STORAGE_VARIABLE_PREFIX}${location.toUpperCase()}_`;
}

/**
 * The variable that sets an option of a location: `envVariableName('r2', ['tus', 'chunkSize'])`
 * is `STORAGE_R2_TUS__CHUNK_SIZE`. Path parts after the first number (an item of a list)
 * are dropped: the whole list is one variable.
 */
export function envVariableName(location: string, optionPath: readonly PropertyKey[]): string {
  const suffix = variablePath(optionPath)
    .map((name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
    .join(NESTING);
  return `${locationVariablePrefix(location)}${suffix}`;
}

/** The option path up to the first list index: a list is set by one variable. */
export function variablePath(optionPath: readonly PropertyKey[]): string[] {
  const end = optionPath.findIndex((part) => typeof part !== 'string');
  return (end === -1 ? optionPath : optionPath.slice(0, end)) as string[];
}

/** `TUS__CHUNK_SIZE` → `['tus', 'chunkSize']`; undefined when it is no option variable name. */
export function optionPathOf(variableSuffix: string): string[] | undefined {
  if (!OPTION_VARIABLE.test(variableSuffix)) return undefined;
  return variableSuffix
    .split(NESTING)
    .map((level) => level.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()));
}

/** Values of these variables (or options) are never written into a message. */
export function isSecretName(name: string): boolean {
  return /SECRET|KEY|TOKEN|PASSWORD/i.test(name);
}
