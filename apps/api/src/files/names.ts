import { extname } from 'node:path';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A download name as given by the client, minus what could hurt where it is shown or
 * sent back in a header: control characters (CR/LF header injection), path separators.
 */
export function cleanFilename(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const cleaned = name
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[/\\]/g, '_')
    .trim()
    .slice(0, 255);
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
