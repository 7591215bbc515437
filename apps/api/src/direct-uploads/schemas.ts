import { z } from 'zod';
import { fileRecord } from '../files/schemas.js';
import { adminOnly, answerObject, dataAnswer, errorResponses, jsonBodySchema } from '../http/schemas.js';

/**
 * The direct-upload routes: their bodies as zod schemas (what the handlers parse) and,
 * generated from those, the JSON Schemas Fastify validates and the document shows.
 * Routes under an upload endpoint take no token: the signed grant in the path authorizes.
 */

const MAX_GRANT_SECONDS = 7 * 24 * 3600;

export const startBody = z.strictObject({
  storage: z.string().optional().describe('An S3 location (default: the first location)'),
  filename: z.string().min(1).max(255),
  type: z.string().optional().describe('Media type (default application/octet-stream)'),
  title: z.string().max(1000).optional(),
  size: z.number().int().min(0).describe('Bytes: what is signed (one PUT) or compared on completion (parts)'),
  checksum_sha256: z
    .string()
    .optional()
    .describe(
      "The content's SHA-256, hex or base64 (S3's x-amz-checksum-sha256): completion refuses other content",
    ),
  multipart: z
    .boolean()
    .optional()
    .describe('true: parts; false: one PUT; absent: parts above FILES_DIRECT_UPLOAD_MULTIPART_THRESHOLD'),
});

export const grantBody = z
  .strictObject({
    storage: z.string().optional().describe('An S3 location (default: the first location)'),
    expires_in: z
      .number()
      .int()
      .min(60)
      .max(MAX_GRANT_SECONDS)
      .optional()
      .describe(
        'Seconds during which uploads may start (FILES_DIRECT_UPLOAD_URL_TTL when absent); each may then finish within FILES_DIRECT_UPLOAD_EXPIRATION',
      ),
  })
  .optional();

export const completeBody = z
  .strictObject({
    parts: z
      .array(z.strictObject({ part_number: z.number().int().min(1), etag: z.string().min(1) }))
      .optional()
      .describe('The parts to join, with the ETags S3 answered (default: every part received)'),
  })
  .optional();

/** Uppy's create request: `metadata` is Uppy's file meta, of which `size` and `title` are read. */
export const companionCreateBody = z.object({
  filename: z.string().min(1),
  type: z.string().optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Uppy's file meta: `size` (bytes, compared on completion) and `title` are read"),
});

export const companionCompleteBody = z.object({
  parts: z.array(z.object({ PartNumber: z.number().int().min(1), ETag: z.string().min(1) })),
});

const grant = {
  type: 'string',
  description:
    'The signed grant of an upload endpoint (`<scope>.<expires>.<signature>`): it authorizes, no token',
} as const;
const grantParams = { type: 'object', required: ['grant'], properties: { grant } } as const;
const uploadParams = {
  type: 'object',
  required: ['grant', 'uploadId'],
  properties: {
    grant,
    uploadId: { type: 'string', description: "The file id (Uppy's `uploadId` and `key`)" },
  },
} as const;
/** Uppy adds `?key=`, the key it was given (the file id): the path decides. */
const uppyQuery = {
  type: 'object',
  properties: { key: { type: 'string', description: 'Ignored: the key Uppy was given (the file id)' } },
  additionalProperties: true,
} as const;

const dateTime = { type: 'string', format: 'date-time' } as const;
const url = { type: 'string', format: 'uri' } as const;
const checksumMeta = answerObject({
  checksum: {
    type: 'string',
    enum: ['verified', 'computed', 'pending'],
    description:
      "`verified`: the content matched the announced SHA-256 before the file was ready; none announced: `pending` while it is computed after the answer (the record's checksum is null until then), `computed` once it is",
  },
});

export const startDirectUploadSchema = {
  summary: 'Start a direct upload to an S3 location: one presigned PUT, or parts',
  description:
    'Creates the record (`uploading`) and answers `upload` (a presigned PUT, its Content-Length signed) or `multipart` ' +
    "(parts through the endpoint's routes), and `endpoint`, the upload's own URL for completing or aborting it (no token needed). " +
    'Local locations answer 400: they take TUS or POST /files.',
  tags: ['direct uploads'],
  security: adminOnly,
  body: jsonBodySchema(startBody),
  response: {
    200: dataAnswer(
      answerObject(
        {
          file: fileRecord,
          endpoint: { ...url, description: 'The upload endpoint: `<PUBLIC_URL>/files/uploads/<grant>`' },
          expires: { ...dateTime, description: 'When the upload is discarded unless completed' },
          upload: {
            ...answerObject({
              method: { type: 'string', enum: ['PUT'] },
              url,
              headers: { type: 'object', additionalProperties: { type: 'string' } },
            }),
            description: 'One PUT: send the bytes there, with these headers',
          },
          multipart: {
            ...answerObject({ part_size: { type: 'integer' }, max_parts: { type: 'integer' } }),
            description: 'Parts: sign each through `<endpoint>/s3/multipart/<file id>/<part number>`',
          },
        },
        ['file', 'endpoint', 'expires'],
      ),
    ),
    ...errorResponses(400, 401, 413, 502),
  },
} as const;

export const grantSchema = {
  summary: "An upload endpoint that starts uploads into a location: Uppy's `companionEndpoint`",
  description:
    'Each upload started through it is bound to it; `expires` bounds when uploads may start. No body: the default location.',
  tags: ['direct uploads'],
  security: adminOnly,
  body: jsonBodySchema(grantBody),
  response: {
    200: dataAnswer(answerObject({ endpoint: url, storage: { type: 'string' }, expires: dateTime })),
    ...errorResponses(400, 401),
  },
} as const;

const completedFile = answerObject({ data: fileRecord, meta: checksumMeta });

export const completeDirectUploadSchema = {
  summary: 'Complete a direct upload: size and SHA-256 checked, then the record is ready',
  description:
    'Parts (or the PUT object) that do not add up to the announced size, or content whose SHA-256 is not the announced one, ' +
    'are refused (400) and the upload discarded. Completing a completed upload answers it again.',
  tags: ['direct uploads'],
  params: grantParams,
  body: jsonBodySchema(completeBody),
  response: { 200: completedFile, ...errorResponses(400, 403, 404, 409, 502) },
} as const;

export const abortDirectUploadSchema = {
  summary: 'Abort a direct upload: its parts or object, and its record',
  tags: ['direct uploads'],
  params: grantParams,
  response: { 204: { description: 'Aborted', type: 'null' }, ...errorResponses(400, 403, 404, 409, 502) },
} as const;

const companion = (summary: string) => ({ summary, tags: ['direct uploads (Uppy)'] });

export const companionCreateSchema = {
  ...companion(
    "Uppy: create a multipart upload (a location's endpoint starts one; an upload's answers its own)",
  ),
  params: grantParams,
  body: jsonBodySchema(companionCreateBody),
  response: {
    200: answerObject({ key: { type: 'string' }, uploadId: { type: 'string' } }),
    ...errorResponses(400, 403, 413, 502),
  },
} as const;

export const companionSignPartSchema = {
  ...companion('Uppy: a presigned URL for one part'),
  params: {
    type: 'object',
    required: ['grant', 'uploadId', 'partNumber'],
    properties: {
      ...uploadParams.properties,
      partNumber: { type: 'integer', minimum: 1, description: 'From 1 to max_parts (S3: 10,000)' },
    },
  },
  querystring: uppyQuery,
  response: {
    200: answerObject({ url, expires: { type: 'integer', description: 'Seconds the URL is valid' } }),
    ...errorResponses(400, 403, 404, 502),
  },
} as const;

export const companionListPartsSchema = {
  ...companion('Uppy: the parts received'),
  params: uploadParams,
  querystring: uppyQuery,
  response: {
    200: {
      type: 'array',
      items: answerObject({
        PartNumber: { type: 'integer' },
        Size: { type: 'integer' },
        ETag: { type: 'string' },
      }),
    },
    ...errorResponses(400, 403, 404, 502),
  },
} as const;

export const companionCompleteSchema = {
  ...companion('Uppy: complete the multipart upload (as POST <endpoint>/complete)'),
  params: uploadParams,
  querystring: uppyQuery,
  body: jsonBodySchema(companionCompleteBody),
  response: {
    200: answerObject({
      location: { ...url, description: 'The file at `/assets/<id>`' },
      key: { type: 'string', description: 'The file id' },
      data: fileRecord,
      meta: checksumMeta,
    }),
    ...errorResponses(400, 403, 404, 409, 502),
  },
} as const;

export const companionAbortSchema = {
  ...companion('Uppy: abort the multipart upload'),
  params: uploadParams,
  querystring: uppyQuery,
  response: {
    200: { type: 'object', additionalProperties: true, description: 'Aborted: `{}`' },
    ...errorResponses(403, 404, 409, 502),
  },
} as const;

export const companionParamsSchema = {
  ...companion("Uppy's single-request upload: not offered (400: set shouldUseMultipart: true)"),
  params: grantParams,
  response: errorResponses(400),
} as const;
