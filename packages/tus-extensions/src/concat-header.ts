import { EXTENSION_ERRORS } from './errors.js';

export type UploadConcat = { kind: 'partial' } | { kind: 'final'; urls: string[] };

/** `partial`, or `final;<url> <url> …`; undefined when absent. */
export function parseUploadConcat(header: string | null): UploadConcat | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (value === 'partial') return { kind: 'partial' };
  if (!value.startsWith('final;')) throw EXTENSION_ERRORS.INVALID_CONCAT;
  const urls = value.slice('final;'.length).trim().split(/ +/).filter(Boolean);
  if (urls.length === 0) throw EXTENSION_ERRORS.INVALID_CONCAT;
  return { kind: 'final', urls };
}
