import { z } from 'zod';
import {
  adminOnly,
  answerObject,
  dataAnswer,
  errorResponses,
  idParams,
  jsonBodySchema,
  readAccess,
} from '../http/schemas.js';

const bytes = {
  description: 'The bytes',
  content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
};

/** GET|HEAD /assets/:id: binary answers (never serialized by a schema) and the API's errors. */
export const assetSchema = {
  summary: 'The bytes of a file, with ranges and conditional requests',
  description:
    'With a token, or none when ASSETS_PUBLIC=true, or as a signed URL (`expires` and `signature`, from `POST /assets/{id}/sign`). ' +
    'A signature that does not hold is refused even beside a valid token. HEAD is always answered by the API.',
  tags: ['assets'],
  security: readAccess,
  params: idParams,
  // Described, checked by the handlers (signed-urls.ts, redirect.ts), which name what is wrong.
  querystring: {
    type: 'object',
    properties: {
      download: { type: 'string', description: 'Present: `Content-Disposition: attachment`' },
      redirect: {
        type: 'string',
        description:
          'S3 locations, GET: present, `true` or `1` answers 302 to a presigned URL of the storage; `false` or `0` streams through the API. ' +
          "Absent: the location's ASSETS__MODE decides",
      },
      expires: {
        type: 'string',
        description: 'A signed URL: its expiry, unix seconds (403 TOKEN_EXPIRED after it); with `signature`',
        examples: ['1796400000'],
      },
      signature: {
        type: 'string',
        description:
          'A signed URL: its HMAC-SHA256 of the file and `expires` (403 FORBIDDEN when it does not hold)',
      },
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
    302: {
      description:
        'GET with `redirect`, or on a location with ASSETS__MODE=redirect (S3 locations): to a presigned URL that answers with the file’s type and name, ranges included',
      type: 'null',
      headers: {
        location: { type: 'string', format: 'uri', description: 'The presigned URL' },
        'cache-control': { type: 'string', description: '`private, max-age=<seconds the URL still has>`' },
      },
    },
    304: { description: 'Not modified (the ETag or date matched)', type: 'null' },
    ...errorResponses(400, 401, 403, 404, 416, 502),
  },
} as const;

/** SigV4's limit, and ours: a signed URL cannot be revoked short of changing the signing key. */
const MAX_SIGNED_URL_SECONDS = 7 * 24 * 3600;

/** POST /assets/:id/sign: what the handler parses, and (as JSON Schema) what the route documents and validates. */
export const signOptions = z
  .strictObject({
    expires_in: z
      .number()
      .int()
      .min(1)
      .max(MAX_SIGNED_URL_SECONDS)
      .optional()
      .describe('Seconds the URL serves the file (ASSETS_SIGNED_URL_TTL when absent); at most 7 days'),
    download: z.boolean().optional().describe('The URL downloads (`Content-Disposition: attachment`)'),
    redirect: z.boolean().optional().describe('The URL redirects to the storage (S3 locations)'),
  })
  .optional();

export const signAssetSchema = {
  summary: 'A signed URL of a file: serves it without a token until it expires',
  description:
    'The signature covers the file and the expiry; `download` and `redirect` only change how the same bytes are delivered. ' +
    'Signed URLs cannot be revoked one by one: changing ASSETS_SIGNING_KEY revokes them all. No body: the defaults.',
  tags: ['assets'],
  security: adminOnly,
  params: idParams,
  body: jsonBodySchema(signOptions),
  response: {
    200: dataAnswer(
      answerObject({
        url: {
          type: 'string',
          format: 'uri',
          description: '`<PUBLIC_URL>/assets/<id>?expires=<unix seconds>&signature=<HMAC-SHA256>`',
        },
        expires: { type: 'string', format: 'date-time' },
      }),
    ),
    ...errorResponses(400, 401, 404),
  },
} as const;
