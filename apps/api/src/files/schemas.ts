import { z } from 'zod';
import { adminOnly, dataAnswer, errorResponses, idParams, jsonBodySchema } from '../http/schemas.js';
import { TITLE_MAX_LENGTH } from './names.js';

/** A file record as the API shows it (present-file.ts: the row without the uploader's token hash). */
export const fileRecord = {
  type: 'object',
  required: [
    'id',
    'storage',
    'filename_disk',
    'filename_download',
    'uploaded_on',
    'modified_on',
    'upload_status',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    storage: { type: 'string', description: 'The location the bytes are in' },
    filename_disk: { type: 'string', description: 'The key of the bytes in that location' },
    filename_download: { type: 'string' },
    title: { type: ['string', 'null'] },
    type: { type: ['string', 'null'], description: 'Media type' },
    filesize: {
      type: ['integer', 'null'],
      description: 'Bytes; null while a resumable upload is unfinished',
    },
    checksum: { type: ['string', 'null'], description: 'SHA-256 of the bytes, hex' },
    uploaded_on: { type: 'string', format: 'date-time' },
    modified_on: { type: 'string', format: 'date-time' },
    upload_status: { type: 'string', enum: ['uploading', 'ready'] },
    upload_offset: { type: ['integer', 'null'], description: 'Bytes received of a resumable upload' },
    upload_length: { type: ['integer', 'null'] },
  },
  additionalProperties: true,
} as const;

const oneFile = dataAnswer(fileRecord);

/** PATCH /files/:id: what the handler parses, and (as JSON Schema) what the route documents and validates. */
export const fileChanges = z.strictObject({
  title: z.string().max(TITLE_MAX_LENGTH).nullable().optional(),
  filename_download: z.string().min(1).max(255).optional(),
  type: z.string().optional(),
  storage: z.string().min(1).optional(),
});

export const listFilesSchema = {
  summary: 'List files',
  tags: ['files'],
  security: adminOnly,
  querystring: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      offset: { type: 'integer', minimum: 0, default: 0 },
      sort: {
        type: 'string',
        description:
          'Comma-separated fields, `-` for descending: uploaded_on, modified_on, filename_download, title, filesize, type, storage',
        examples: ['-uploaded_on,title'],
      },
      filter: {
        type: 'string',
        description:
          'JSON filter on storage, type, upload_status with `_eq` or `_starts_with`, e.g. `{"type":{"_starts_with":"image/"}}`; ' +
          'or bracketed parameters: `filter[storage][_eq]=s3`',
      },
    },
    // Bracketed filters (`filter[storage][_eq]`) are parameters of their own.
    additionalProperties: true,
  },
  response: {
    200: {
      type: 'object',
      required: ['data'],
      properties: { data: { type: 'array', items: fileRecord } },
      additionalProperties: true,
    },
    ...errorResponses(400, 401),
  },
} as const;

export const getFileSchema = {
  summary: 'A file record',
  tags: ['files'],
  security: adminOnly,
  params: idParams,
  response: { 200: oneFile, ...errorResponses(401, 404) },
} as const;

export const patchFileSchema = {
  summary: 'Change a file record; a new `storage` moves the bytes (copy, verify, switch, delete)',
  tags: ['files'],
  security: adminOnly,
  params: idParams,
  body: jsonBodySchema(fileChanges),
  response: { 200: oneFile, ...errorResponses(400, 401, 404, 409, 500, 502) },
} as const;

export const deleteFileSchema = {
  summary: 'Delete a file: its record, then its bytes',
  tags: ['files'],
  security: adminOnly,
  params: idParams,
  response: { 204: { description: 'Deleted', type: 'null' }, ...errorResponses(401, 404) },
} as const;

export const uploadFilesSchema = {
  summary: 'Upload files (multipart/form-data), streamed to their location with their SHA-256',
  tags: ['files'],
  security: adminOnly,
  /**
   * Documented, not validated by Fastify: a multipart body is read part by part by the
   * handler (a validator would see no body). See openapi/document.ts.
   */
  documentedBody: {
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: {
            storage: {
              type: 'string',
              description: 'Location of the files after it (default: the first one)',
            },
            title: { type: 'string', description: 'Title of the next file' },
            filename_download: { type: 'string', description: 'Download name of the next file' },
            file: { type: 'string', format: 'binary', description: 'One or more files' },
          },
          required: ['file'],
        },
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['data'],
      properties: { data: { oneOf: [fileRecord, { type: 'array', items: fileRecord }] } },
      additionalProperties: true,
    },
    ...errorResponses(400, 401, 413, 502),
  },
} as const;
