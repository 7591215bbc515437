import { isSecretName } from './env/variable-names.js';
import type { OptionNamer } from './errors.js';

/** What the manager needs to know of a ZodError: the structure of zod 4 issues. */
export interface OptionIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  /** Set on `unrecognized_keys` issues. */
  keys?: string[];
}

/** How the problems of one location name its options, depending on where they came from. */
export interface OptionContext {
  location: string;
  driver: string;
  /** The options as given, before the driver's schema coerced them. */
  rawOptions: Record<string, unknown>;
  name: OptionNamer;
  /** Places a message about an option within its location, if its option names do not already. */
  inContext(message: string): string;
}

/** A driver may come with its own copy of zod: recognise its error by shape, not class. */
export function optionIssuesOf(error: unknown): OptionIssue[] | undefined {
  const issues = (error as { issues?: unknown } | null)?.issues;
  return error instanceof Error && Array.isArray(issues) ? (issues as OptionIssue[]) : undefined;
}

export function describeOptionIssues(issues: readonly OptionIssue[], context: OptionContext): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return (issue.keys ?? []).map((key) =>
        context.inContext(
          `${context.name([...issue.path, key])} is not an option of driver "${context.driver}"`,
        ),
      );
    }
    if (issue.path.length === 0) return [locationProblem(context, issue.message)];
    const value = valueAt(context.rawOptions, issue.path);
    const name = context.name(issue.path);
    // Any built-in check failing on a missing value means the option is required; a
    // driver's own (custom) check on a missing option words its message itself.
    if (value === undefined && issue.code !== 'custom') {
      return [context.inContext(`${name} is required by driver "${context.driver}"`)];
    }
    return [context.inContext(`${name}: ${issue.message}${describeValue(name, value)}`)];
  });
}

/** A problem of the location as a whole, which no option or variable name places. */
export function locationProblem(
  context: Pick<OptionContext, 'location' | 'driver'>,
  message: string,
): string {
  return `location "${context.location}": driver "${context.driver}": ${message}`;
}

const SHOWN_VALUE_LENGTH = 60;

/** `, got "many"`; nothing for secrets and for values that are no plain value (a group of options). */
function describeValue(name: string, value: unknown): string {
  if (isSecretName(name)) return '';
  if (typeof value === 'string') {
    const shown = value.length > SHOWN_VALUE_LENGTH ? `${value.slice(0, SHOWN_VALUE_LENGTH)}…` : value;
    return `, got ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `, got ${value}`;
  return '';
}

function valueAt(options: unknown, path: readonly PropertyKey[]): unknown {
  let value = options;
  for (const part of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** Secret values shorter than this are left alone: replacing them would garble messages. */
const REDACTED_MIN_LENGTH = 4;

/**
 * Replaces the values of secret options found in a message (a driver may have quoted
 * one in its own text), so that configuration errors can be logged as they are.
 */
export function redactSecrets(message: string, context: Pick<OptionContext, 'rawOptions' | 'name'>): string {
  let redacted = message;
  for (const [path, value] of leaves(context.rawOptions, [])) {
    if (
      typeof value === 'string' &&
      value.length >= REDACTED_MIN_LENGTH &&
      isSecretName(context.name(path))
    ) {
      redacted = redacted.replaceAll(value, '[redacted]');
    }
  }
  return redacted;
}

function* leaves(value: unknown, path: PropertyKey[]): Generator<[PropertyKey[], unknown]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) yield* leaves(child, [...path, key]);
  } else yield [path, value];
}
