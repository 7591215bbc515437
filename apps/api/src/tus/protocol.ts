export const TUS_PATH = '/files/tus';

/** The creation URL or an upload's URL. */
export function isTusPath(url: string): boolean {
  const path = url.split('?')[0]!;
  return path === TUS_PATH || path.startsWith(`${TUS_PATH}/`);
}

/** Headers a browser's tus client must be allowed to send and to read. */
export const TUS_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'Tus-Resumable',
  'Upload-Checksum',
  'Upload-Concat',
  'Upload-Defer-Length',
  'Upload-Length',
  'Upload-Metadata',
  'Upload-Offset',
  'X-HTTP-Method-Override',
  'X-Requested-With',
];
export const TUS_RESPONSE_HEADERS = [
  'Location',
  'Upload-Offset',
  'Upload-Length',
  'Upload-Expires',
  'Upload-Metadata',
  'Upload-Defer-Length',
  'Upload-Concat',
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Tus-Checksum-Algorithm',
];
