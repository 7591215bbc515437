import { readFileSync } from 'node:fs';
import { FILE_SUFFIX } from './variable-names.js';

export type Env = Record<string, string | undefined>;

export type VariableValue =
  | { value: string; variable: string; problem?: undefined }
  | { value?: undefined; variable: string; problem?: string };

/**
 * The value of `name`, or of the file `<name>_FILE` points to (container secrets), with
 * `variable` the one actually set so that messages name it. An empty variable counts
 * as unset (`FOO=` in an env file), so is an empty file.
 */
export function readVariable(env: Env, name: string): VariableValue {
  const fileVariable = `${name}${FILE_SUFFIX}`;
  const direct = env[name] || undefined;
  const path = env[fileVariable] || undefined;
  if (direct !== undefined && path !== undefined) {
    return { variable: name, problem: `${name} and ${fileVariable} are both set: set only one` };
  }
  if (path === undefined)
    return direct === undefined ? { variable: name } : { value: direct, variable: name };
  try {
    // Secret files usually end with the newline of the editor or `echo` that wrote them.
    const value = readFileSync(path, 'utf8').replace(/[\r\n]+$/, '');
    return value === '' ? { variable: fileVariable } : { value, variable: fileVariable };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { variable: fileVariable, problem: `${fileVariable}: cannot read "${path}" (${reason})` };
  }
}
