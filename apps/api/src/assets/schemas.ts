import { errorResponses, idParams, readAccess } from '../http/schemas.js';

const bytes = {
  description: 'The bytes',
  content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
};

/** GET|HEAD /assets/:id: binary answers (never serialized by a schema) and the API's errors. */
export const assetSchema = {
  summary: 'The bytes of a file, with ranges and conditional requests',
  tags: ['assets'],
  security: readAccess,
  params: idParams,
  querystring: {
    type: 'object',
    properties: {
      download: { type: 'string', description: 'Present: `Content-Disposition: attachment`' },
    },
    additionalProperties: true,
  },
  headers: {
    type: 'object',
    properties: {
      range: { type: 'string', description: 'One range: `bytes=0-99`, `bytes=100-`, `bytes=-100`' },
      'if-none-match': { type: 'string' },
      'if-modified-since': { type: 'string' },
      'if-range': { type: 'string' },
    },
  },
  response: {
    200: bytes,
    206: { ...bytes, description: 'The range asked for (`Content-Range`)' },
    304: { description: 'Not modified (the ETag or date matched)', type: 'null' },
    ...errorResponses(401, 404, 416, 502),
  },
} as const;
