/**
 * JSON Schemas shared by the routes' own schemas (the OpenAPI document is generated
 * from them). Objects allow more properties than they list: Fastify serializes
 * responses with these schemas and would otherwise drop any field not listed.
 */

/** Directus' error shape, answered by every failure (http/errors.ts). */
export const errorResponse = {
  description: 'An error: `{ errors: [{ message, extensions: { code } }] }`',
  type: 'object',
  required: ['errors'],
  properties: {
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['message', 'extensions'],
        properties: {
          message: { type: 'string' },
          extensions: {
            type: 'object',
            required: ['code'],
            properties: { code: { type: 'string', examples: ['INVALID_PAYLOAD', 'NOT_FOUND'] } },
            additionalProperties: true,
          },
        },
        additionalProperties: true,
      },
    },
  },
  additionalProperties: true,
} as const;

/** The error answers a route can give, each with the error shape. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorResponse> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse]));
}

type SecurityRequirements = { [scheme: string]: string[] }[];

/** Operations that need `Authorization: Bearer <ADMIN_TOKEN>`. */
export const adminOnly: SecurityRequirements = [{ bearerToken: [] }];
/** Operations open without a token when ASSETS_PUBLIC=true. */
export const readAccess: SecurityRequirements = [{ bearerToken: [] }, {}];

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'The file id (a UUID)' } },
} as const;
