import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { invalidPayload } from './errors.js';

/**
 * A JSON body checked against its schema; a 400 naming every faulty field otherwise.
 * No body is `{}`: what an optional body's schema (`.optional()`) makes of it.
 */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): NonNullable<z.output<Schema>> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data as NonNullable<z.output<Schema>>;
  throw invalidPayload(
    parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
  );
}

/** Fastify's own Ajv defaults, but a property no schema allows is refused (400), never silently dropped. */
const shared: Options = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false };

/** Query strings, parameters and headers are text: `limit=10` is the integer 10. */
const forText = new Ajv({ ...shared, coerceTypes: 'array' });
/** A JSON body says its types: `"title": 5` is a number, refused where a string is due, not turned into "5". */
const forBodies = new Ajv({ ...shared, coerceTypes: false });

/** Validates each part of a request against the route's schema (the one the OpenAPI document shows). */
export const compileValidator: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? forBodies : forText).compile(schema as object) as ReturnType<
    FastifySchemaCompiler<unknown>
  >;
