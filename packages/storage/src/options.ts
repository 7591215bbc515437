import { z } from 'zod';

/**
 * Schema pieces for driver options. Options arrive as strings from the environment or
 * typed from code, so each piece accepts both and coerces to the declared type.
 * Drivers declare their schema with `z.strictObject` so that an unknown (misspelt)
 * option is refused instead of silently ignored.
 *
 * Messages never quote the value: the manager adds `got "..."` itself, except for
 * secrets, which it never echoes.
 */

export interface Bounds {
  min?: number;
  max?: number;
}

/** A schema whose input may be anything; `convert` answers undefined for an unusable value. */
function coerced<T>(expected: string, convert: (input: unknown) => T | undefined) {
  return z.unknown().transform((input, ctx): T => {
    // A missing option reaches the transform (no base type to refuse it): report it
    // as the invalid_type zod gives other required options, which the manager words.
    const value = input === undefined ? undefined : convert(input);
    if (value === undefined) {
      ctx.addIssue({ code: input === undefined ? 'invalid_type' : 'custom', expected, message: expected });
      return z.NEVER;
    }
    return value;
  });
}

function withinBounds<T extends number>(value: T | undefined, { min, max }: Bounds): T | undefined {
  if (value === undefined || (min !== undefined && value < min) || (max !== undefined && value > max)) {
    return undefined;
  }
  return value;
}

function describeBounds({ min, max }: Bounds, format: (value: number) => string = String): string {
  if (min !== undefined && max !== undefined) return ` between ${format(min)} and ${format(max)}`;
  if (min !== undefined) return ` of at least ${format(min)}`;
  if (max !== undefined) return ` of at most ${format(max)}`;
  return '';
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export const envBoolean = coerced('expected a boolean (true/false, 1/0, yes/no or on/off)', (input) => {
  if (typeof input === 'boolean') return input;
  if (typeof input !== 'string') return undefined;
  const word = input.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
});

function toInteger(input: unknown): number | undefined {
  const value =
    typeof input === 'number'
      ? input
      : typeof input === 'string' && /^\s*[+-]?\d+\s*$/.test(input)
        ? Number(input)
        : NaN;
  return Number.isSafeInteger(value) ? value : undefined;
}

export function envInteger(bounds: Bounds = {}) {
  return coerced(`expected an integer${describeBounds(bounds)}`, (input) =>
    withinBounds(toInteger(input), bounds),
  );
}

const BYTE_UNITS = ['b', 'k', 'm', 'g', 't', 'p'];
const BYTE_SIZE = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgtp])(?:i?b)?|b)?\s*$/i;

/**
 * Bytes from a number or a string like `1024`, `10MB`, `10 MiB`, `1.5GB`, `512kb`.
 * Every unit is binary (1 KB = 1 KiB = 1024 bytes), as in the `bytes` package that
 * Directus parses sizes with, so a value copied from a Directus configuration keeps
 * its meaning. Fractions of a byte are floored, as `bytes` does.
 */
export function parseByteSize(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.floor(input) : undefined;
  if (typeof input !== 'string') return undefined;
  const match = BYTE_SIZE.exec(input);
  if (!match) return undefined;
  const exponent = BYTE_UNITS.indexOf((match[2] ?? 'b').toLowerCase());
  const bytes = Math.floor(Number(match[1]) * 1024 ** exponent);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `5242880` → `5 MiB`; sizes that are no whole number of a unit stay in bytes. */
export function formatByteSize(bytes: number): string {
  for (let exponent = BYTE_UNITS.length - 1; exponent > 0; exponent--) {
    const unit = 1024 ** exponent;
    if (bytes >= unit && bytes % unit === 0)
      return `${bytes / unit} ${BYTE_UNITS[exponent]!.toUpperCase()}iB`;
  }
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}

export function byteSize(bounds: Bounds = {}) {
  return coerced(
    `expected a byte size like 1024, 512KB or 1.5GiB${describeBounds(bounds, formatByteSize)}`,
    (input) => withinBounds(parseByteSize(input), bounds),
  );
}

const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i;

/**
 * Milliseconds from a number or a string like `1500`, `90s`, `30m`, `24h`, `7d`. A bare
 * number is milliseconds, as in the `ms` package Directus parses durations with.
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.floor(input) : undefined;
  if (typeof input !== 'string') return undefined;
  const match = DURATION.exec(input);
  if (!match) return undefined;
  const ms = Math.floor(Number(match[1]) * DURATION_UNIT_MS[(match[2] ?? 'ms').toLowerCase()]!);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** A duration in milliseconds (see parseDuration). */
export function duration(bounds: Bounds = {}) {
  return coerced(
    `expected a duration like 90s, 30m, 24h or 7d (a bare number is milliseconds)${describeBounds(bounds, (ms) => `${ms} ms`)}`,
    (input) => withinBounds(parseDuration(input), bounds),
  );
}

/** A comma-separated string (blanks trimmed, empty items dropped) or an array of strings. */
export const envStringList = coerced('expected a comma-separated list', (input) => {
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return input as string[];
  if (typeof input !== 'string') return undefined;
  return input
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
});

/** An absolute http:// or https:// URL, returned as given (trimmed). */
export const envUrl = coerced('expected an http:// or https:// URL', (input) => {
  if (typeof input !== 'string') return undefined;
  const url = URL.parse(input.trim());
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? input.trim() : undefined;
});
