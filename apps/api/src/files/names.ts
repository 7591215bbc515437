import { extname } from 'node:path';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The longest title, however a file is uploaded or changed. */
export const TITLE_MAX_LENGTH = 1000;

/**
 * C0 and C1 control characters (CR/LF header injection) and the bidirectional
 * formatting characters (U+202E shows `exe.txt` for `txt.exe`), which have no place in a
 * name a browser shows or saves.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const UNSAFE_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A download name as given by the client, minus what could hurt where it is shown or
 * sent back in a header: control and bidirectional formatting characters, path separators.
 */
export function cleanFilename(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const cleaned = name.replace(UNSAFE_IN_NAMES, '').replace(/[/\\]/g, '_').trim().slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? undefined : cleaned;
}

/** `<id>` plus the name's extension when it is a plain one (letters and digits only). */
export function diskFilename(id: string, downloadName: string): string {
  const extension = extname(downloadName).toLowerCase();
  return /^\.[a-z0-9]{1,16}$/.test(extension) ? `${id}${extension}` : id;
}

/** A media type as a client declared it, when it is a well-formed one. */
export function cleanMediaType(type: string | undefined | null): string | undefined {
  const essence = type?.split(';')[0]?.trim().toLowerCase();
  return essence && /^[a-z0-9][\w.+-]*\/[a-z0-9][\w.+-]*$/.test(essence) ? essence : undefined;
}
