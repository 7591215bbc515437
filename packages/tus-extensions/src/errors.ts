/**
 * Answers of the protocol extensions, in @tus/server's error shape ({ status_code, body }):
 * thrown by a handler or a store, @tus/server writes them as they are.
 */
export const EXTENSION_ERRORS = {
  /** The checksum extension's own status: the PATCH's bytes were discarded. */
  CHECKSUM_MISMATCH: { status_code: 460, body: 'Checksum mismatch: none of this request was stored\n' },
  UNSUPPORTED_CHECKSUM_ALGORITHM: {
    status_code: 400,
    body: 'Unsupported checksum algorithm (Tus-Checksum-Algorithm lists the supported ones)\n',
  },
  INVALID_CHECKSUM: {
    status_code: 400,
    body: 'Upload-Checksum must be an algorithm and a Base64 digest separated by a space\n',
  },
  /** A checksum covers the whole request body: a body cut short cannot be verified. */
  CHECKSUM_INCOMPLETE_BODY: {
    status_code: 460,
    body: 'Checksum mismatch: the body ended early, none of this request was stored\n',
  },
  INVALID_CONCAT: {
    status_code: 400,
    body: 'Upload-Concat must be "partial" or "final;" followed by the URLs of partial uploads\n',
  },
  CONCAT_WITH_LENGTH: {
    status_code: 400,
    body: 'A final upload takes no Upload-Length: its length is the sum of its partial uploads\n',
  },
  PARTIAL_NOT_FOUND: { status_code: 400, body: 'A partial upload of this final upload was not found\n' },
  PARTIAL_NOT_PARTIAL: {
    status_code: 400,
    body: 'An upload named in Upload-Concat was not created as a partial upload\n',
  },
  PARTIAL_UNFINISHED: {
    status_code: 400,
    body: 'A partial upload of this final upload is not finished yet\n',
  },
  PATCH_ON_FINAL: { status_code: 403, body: 'A final upload is complete on creation: it takes no PATCH\n' },
} as const;

export type ExtensionError = (typeof EXTENSION_ERRORS)[keyof typeof EXTENSION_ERRORS];
