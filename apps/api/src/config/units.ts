/** Parses byte sizes the way Directus writes them: a number of bytes, or `8mb`, `1.5 GiB` (powers of 1024). */
export function parseByteSize(value: string): number | undefined {
  const match = value
    .trim()
    .toLowerCase()
    .match(/^(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)$/);
  if (!match) return undefined;
  const power = { '': 0, k: 1, m: 2, g: 3, t: 4 }[match[2]!.replace(/i?b$/, '')];
  if (power === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * 1024 ** power);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Parses durations: milliseconds as a bare number, or `30s`, `10m`, `2h`, `1d`. */
export function parseDuration(value: string): number | undefined {
  const match = value
    .trim()
    .toLowerCase()
    .match(/^(\d+)\s*(ms|s|m|h|d)?$/);
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}
