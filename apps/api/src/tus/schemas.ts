import { adminOnly, errorResponses, idParams } from '../http/schemas.js';

/**
 * The TUS routes as OpenAPI describes them. Answered by the tus server on the raw
 * response, so these schemas never serialize; the headers are all optional strings:
 * checking them is the tus server's (412 without Tus-Resumable, 400, 409, ...).
 */
const tusHeaders = (names: Record<string, string>) => ({
  type: 'object',
  properties: Object.fromEntries(
    Object.entries(names).map(([name, description]) => [name, { type: 'string', description }]),
  ),
});

const noBody = (description: string) => ({ description, type: 'null' });

export const tusCreateSchema = {
  summary: 'TUS: create a resumable upload (its id is its file record id)',
  tags: ['tus'],
  security: adminOnly,
  headers: tusHeaders({
    'tus-resumable': '1.0.0',
    'upload-length': 'Total bytes (or Upload-Defer-Length: 1)',
    'upload-defer-length': '1 when the length comes later',
    'upload-metadata': 'storage, filename, filetype, title (base64 values)',
  }),
  response: { 201: noBody('Created: `Location` is the upload URL'), ...errorResponses(400, 401, 413) },
} as const;

export const tusUploadSchema = {
  summary:
    'TUS: offset (HEAD), append (PATCH, Content-Type: application/offset+octet-stream) or terminate (DELETE) an upload',
  tags: ['tus'],
  security: adminOnly,
  params: idParams,
  headers: tusHeaders({
    'tus-resumable': '1.0.0',
    'upload-offset': 'PATCH: where these bytes start',
  }),
  response: {
    200: noBody('HEAD: `Upload-Offset`, `Upload-Length`'),
    204: noBody('PATCH: appended (`Upload-Offset`); DELETE: terminated'),
    ...errorResponses(401, 403, 404, 409, 410),
  },
} as const;
