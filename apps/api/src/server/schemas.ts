import { errorResponses, readAccess, tokenRequired } from '../http/schemas.js';

const locationHealth = {
  type: 'object',
  required: ['ok', 'mode', 'latencyMs'],
  properties: {
    ok: { type: 'boolean' },
    mode: { type: 'string', enum: ['read-write', 'read-only', 'none'] },
    latencyMs: { type: 'number' },
    error: { type: 'string', description: 'Why the probe failed (admin token only)' },
  },
  additionalProperties: true,
} as const;

const health = {
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'object',
      required: ['status', 'locations'],
      properties: {
        status: { type: 'string', enum: ['ok', 'error'] },
        locations: { type: 'object', additionalProperties: locationHealth },
      },
      additionalProperties: true,
    },
  },
  additionalProperties: true,
} as const;

export const healthSchema = {
  summary: "Each location's health probe; 503 when one fails",
  tags: ['server'],
  response: { 200: health, 503: health },
} as const;

export const infoSchema = {
  summary: 'Locations, upload limits, TUS endpoint',
  tags: ['server'],
  security: readAccess,
  response: {
    200: {
      type: 'object',
      required: ['data'],
      properties: {
        data: {
          type: 'object',
          required: ['locations', 'files', 'tus'],
          properties: {
            locations: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'default', 'resumable_uploads', 'direct_uploads', 'assets_mode'],
                properties: {
                  name: { type: 'string' },
                  default: { type: 'boolean' },
                  resumable_uploads: { type: 'boolean' },
                  direct_uploads: { type: 'boolean', description: 'POST /files/uploads takes it (S3)' },
                  assets_mode: {
                    type: 'string',
                    enum: ['proxy', 'redirect'],
                    description:
                      'How GET /assets/{id} delivers by default: through the API, or a 302 to the storage',
                  },
                },
                additionalProperties: true,
              },
            },
            files: {
              type: 'object',
              required: ['max_upload_size'],
              properties: { max_upload_size: { type: 'integer' } },
              additionalProperties: true,
            },
            tus: {
              type: 'object',
              required: ['enabled', 'endpoint', 'chunk_size'],
              properties: {
                enabled: { type: 'boolean' },
                endpoint: { type: 'string' },
                chunk_size: { type: 'integer' },
                locker: {
                  type: 'string',
                  enum: ['memory', 'postgres', 'redis'],
                  description: 'What keeps two requests on one upload apart (TUS_LOCKER)',
                },
              },
              additionalProperties: true,
            },
            janitor: {
              type: 'object',
              description: 'The periodic cleanup runs on one instance at a time: the holder of the lease',
              properties: {
                lease: { type: 'string', enum: ['memory', 'postgres', 'redis'] },
                leader: { type: 'boolean', description: 'Whether this instance holds the lease now' },
              },
              additionalProperties: true,
            },
          },
          additionalProperties: true,
        },
      },
      additionalProperties: true,
    },
    ...errorResponses(401),
  },
} as const;

export const metricsSchema = {
  summary: 'Prometheus metrics (ADMIN_TOKEN or METRICS_TOKEN)',
  tags: ['server'],
  security: tokenRequired,
  response: {
    200: {
      description: 'Prometheus text format 0.0.4',
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
    ...errorResponses(401),
  },
} as const;

export const openApiSchema = {
  summary: 'This OpenAPI 3.1 description of the REST API',
  tags: ['server'],
  response: {
    200: { description: 'OpenAPI 3.1 document', type: 'object', additionalProperties: true },
  },
} as const;
