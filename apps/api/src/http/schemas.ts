import { z } from 'zod';

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

/** An object in an answer: every property listed is there (unless `required` says less), more may come. */
export const answerObject = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  required,
  properties,
  additionalProperties: true,
});

/** Directus' envelope of an answer: `{ data }`. */
export const dataAnswer = (schema: object) => answerObject({ data: schema });

type SecurityRequirements = { [scheme: string]: string[] }[];

/** Operations that need a token: `Authorization: Bearer <token>`, or `?access_token=<token>`. */
export const tokenRequired: SecurityRequirements = [{ bearerToken: [] }, { accessToken: [] }];
/** Operations that need the ADMIN_TOKEN. */
export const adminOnly = tokenRequired;
/** Operations open without a token when ASSETS_PUBLIC=true (assets also to a signed URL). */
export const readAccess: SecurityRequirements = [...tokenRequired, {}];

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'The file id (a UUID)' } },
} as const;

/**
 * The JSON Schema of a body its handler parses with zod (`parseBody`): what Fastify
 * validates and the document shows, from the one zod schema. The input side, as clients
 * send it: where zod drops unknown properties (`z.object`), the body may carry them. A zod
 * schema that takes `undefined` (`.optional()`) lets the body be left out: Fastify
 * validates a request without one as `null`.
 */
export function jsonBodySchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' });
  return schema.safeParse(undefined).success ? { ...json, type: [json.type, 'null'] } : json;
}
