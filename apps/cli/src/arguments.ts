import { parseDuration } from '@stowage/storage';
import { InvalidArgumentError } from 'commander';

/** `--concurrency`: files in flight at once. */
export function parseConcurrency(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 64) {
    throw new InvalidArgumentError(`expected a whole number from 1 to 64, got "${value}"`);
  }
  return number;
}

/** `--sample`: a percentage (`10`, `10%`, `0.5`) of the files, as a share from 0 (excluded) to 1. */
export function parseSample(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  const percent = match ? Number(match[1]) : Number.NaN;
  if (!(percent > 0 && percent <= 100)) {
    throw new InvalidArgumentError(
      `expected a percentage of the files above 0 and up to 100, got "${value}"`,
    );
  }
  return percent / 100;
}

/** `--older-than`: a duration (`90s`, `30m`, `24h`, `7d`, or milliseconds). */
export function parseAge(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new InvalidArgumentError(`expected a duration like 90s, 30m, 24h or 7d, got "${value}"`);
  }
  return ms;
}
