import { adminOnly, errorResponse, idParams } from '../http/schemas.js';

/**
 * The TUS routes as OpenAPI describes them, one operation per method. The tus server
 * answers on the raw response, with the protocol's statuses and a line of text (these
 * schemas never serialize its answers); before it, the API answers with its own JSON
 * errors (the token, the location, the upload's owner). The request headers are all
 * optional strings here: checking them is the tus server's (412 without Tus-Resumable,
 * 400 for a malformed one), whose statuses clients of the protocol expect.
 */
const strings = (names: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(names).map(([name, description]) => [name, { type: 'string', description }]),
  );
const requestHeaders = (names: Record<string, string>) => ({ type: 'object', properties: strings(names) });

const text = { 'text/plain': { schema: { type: 'string' } } };
/** An answer of the tus server: a status of the protocol, a line of text. */
const byTus = (description: string, headers?: Record<string, string>) => ({
  description,
  content: text,
  ...(headers && { headers: strings(headers) }),
});
/** A status the API (its JSON error) and the tus server (text) both answer with. */
const byApiOrTus = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorResponse }, ...text },
});
const byApi = (description: string) => ({ ...errorResponse, description });
const noBody = (description: string, headers: Record<string, string>) => ({
  description,
  type: 'null',
  headers: strings(headers),
});

const tusResumable = { 'tus-resumable': 'Required: `1.0.0` (412 without it, or with another version)' };
const checksum = {
  'upload-checksum':
    '`<algorithm> <Base64 digest>` of this body (`sha1`, `md5`, `sha256`): 460 when it does not match',
};
/** The bytes of a PATCH, described (the tus server reads them from the socket, nothing validates them here). */
const bytes = {
  content: { 'application/offset+octet-stream': { schema: { type: 'string', format: 'binary' } } },
};

/** What any request on an upload may be answered with. */
const uploadFailures = {
  401: byApi('No token, or not the admin token'),
  404: byApiOrTus('No such upload'),
  410: byTus('The upload expired'),
  412: byTus('Tus-Resumable missing, or a version this server does not speak', {
    'tus-version': 'The versions it speaks',
  }),
  500: byTus('The store failed'),
};
const tooLarge = byTus('More bytes than Upload-Length, or an Upload-Length above Tus-Max-Size');
const checksumMismatch = byTus('Upload-Checksum does not match the body: none of it was stored');
const otherOwner = 'Another token than the one that created the upload';
const appendResponses = {
  ...uploadFailures,
  204: noBody('Appended', {
    'upload-offset': 'The offset after these bytes',
    'upload-expires': 'When an unfinished upload expires',
  }),
  400: byTus('A malformed header, or an unsupported checksum algorithm'),
  403: byApiOrTus(
    `${otherOwner} (API); a final upload of a concatenation, or no Upload-Offset or Content-Type (tus)`,
  ),
  409: byTus('Upload-Offset is not the offset of the upload'),
  413: tooLarge,
  460: checksumMismatch,
};
const appendHeaders = {
  ...tusResumable,
  'upload-offset': 'Where these bytes start: the offset HEAD answered',
  ...checksum,
};

export const tusCreateSchema = {
  summary: 'TUS: create a resumable upload (its id is its file record id)',
  description:
    'Creation, creation-with-upload (the first bytes as the body, `Content-Type: application/offset+octet-stream`), ' +
    'creation-defer-length, concatenation (`Upload-Concat`: partial uploads of the same location and token, joined by a final one).',
  tags: ['tus'],
  security: adminOnly,
  headers: requestHeaders({
    ...tusResumable,
    'upload-length': 'Total bytes (or Upload-Defer-Length: 1)',
    'upload-defer-length': '1 when the length comes later',
    'upload-metadata':
      '`storage` (the location), `filename`, `filetype`, `title`: comma-separated `key <base64 value>`',
    'upload-concat': '`partial`, or `final;<url> <url> ...` naming partial uploads',
    ...checksum,
  }),
  response: {
    201: noBody('Created', {
      location: 'The upload URL: `/files/tus/<id>`',
      'upload-offset': 'creation-with-upload: the bytes stored',
      'upload-expires': 'When an unfinished upload expires',
    }),
    400: byApiOrTus(
      'A location that takes no resumable uploads, partial uploads of another location or token (API); a malformed header (tus)',
    ),
    401: uploadFailures[401],
    412: uploadFailures[412],
    413: tooLarge,
    460: checksumMismatch,
    500: uploadFailures[500],
  },
} as const;

const onUpload = { tags: ['tus'], security: adminOnly, params: idParams } as const;

export const tusOffsetSchema = {
  ...onUpload,
  summary: 'TUS: the offset of an upload',
  headers: requestHeaders(tusResumable),
  response: {
    200: noBody('The upload', {
      'upload-offset': 'Bytes received',
      'upload-length': 'Total bytes, once known',
      'upload-defer-length': '1 while the length is unknown',
      'upload-metadata': 'As created',
      'upload-concat': '`partial` or `final;<urls>` for concatenation',
    }),
    ...uploadFailures,
    403: byApi(otherOwner),
  },
} as const;

export const tusAppendSchema = {
  ...onUpload,
  summary: 'TUS: append bytes at the offset of an upload',
  headers: requestHeaders(appendHeaders),
  // Described, not validated: see openapi/document.ts.
  documentedBody: bytes,
  response: appendResponses,
} as const;

const terminateResponses = {
  ...uploadFailures,
  204: noBody('Terminated: the upload and its record are gone', {}),
  400: byTus('The upload is finished: a file is deleted with DELETE /files/{id}'),
  403: byApi(otherOwner),
};

export const tusTerminateSchema = {
  ...onUpload,
  summary: 'TUS: terminate an unfinished upload',
  headers: requestHeaders(tusResumable),
  response: terminateResponses,
} as const;

export const tusMethodOverrideSchema = {
  ...onUpload,
  summary: 'TUS: PATCH or DELETE sent as POST, for clients behind proxies that pass only GET and POST',
  description:
    'Answers as the method in X-HTTP-Method-Override (tus-js-client: `overridePatchMethod: true`). Without it: 400, nothing is created.',
  headers: requestHeaders({
    'x-http-method-override': 'Required: `PATCH` or `DELETE`',
    ...appendHeaders,
  }),
  documentedBody: bytes,
  response: {
    ...terminateResponses,
    ...appendResponses,
    204: noBody('PATCH: appended (`Upload-Offset`); DELETE: terminated', {
      'upload-offset': 'PATCH: the offset after these bytes',
    }),
    400: byApiOrTus(
      'No X-HTTP-Method-Override of PATCH or DELETE (API); a malformed header, an unsupported checksum algorithm, or a finished upload to terminate (tus)',
    ),
  },
} as const;

const discovery = {
  summary: 'TUS discovery (no token): the version, extensions and limits; CORS preflights',
  tags: ['tus'],
  response: {
    204: noBody('The capabilities', {
      'tus-version': 'The protocol versions: `1.0.0`',
      'tus-extension':
        'creation, creation-with-upload, creation-defer-length, termination, checksum, concatenation, expiration',
      'tus-max-size': 'FILES_MAX_UPLOAD_SIZE',
      'tus-checksum-algorithm': '`sha1,md5,sha256`',
    }),
  },
} as const;

export const tusDiscoverySchema = discovery;
export const tusUploadDiscoverySchema = { ...discovery, params: idParams } as const;
