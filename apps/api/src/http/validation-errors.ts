import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema.js';

/**
 * One message naming what is wrong in a request a route schema refused:
 * `limit must be <= 1000`, `body: unknown property "titel"`, `title must be string or
 * null`. The error handler answers it in the API's error shape (INVALID_PAYLOAD for
 * bodies, INVALID_QUERY otherwise).
 */
export function describeValidationErrors(
  errors: FastifySchemaValidationError[],
  dataVar: SchemaErrorDataVar,
): Error {
  const byField = new Map<string, FastifySchemaValidationError[]>();
  for (const error of errors) {
    const field = error.instancePath.replace(/^\//, '').replaceAll('/', '.') || dataVar;
    byField.set(field, [...(byField.get(field) ?? []), error]);
  }
  const problems = [...byField].map(([field, fieldErrors]) => {
    const unknown = fieldErrors.find((error) => error.keyword === 'additionalProperties');
    if (unknown)
      return `${field}: unknown property "${(unknown.params as { additionalProperty: string }).additionalProperty}"`;
    // An `anyOf` of types (a nullable string) failed in each branch: name the types once.
    if (fieldErrors.some((error) => error.keyword === 'anyOf')) {
      const types = fieldErrors.filter((error) => error.keyword === 'type').map((error) => error.params.type);
      if (types.length > 0) return `${field} must be ${types.join(' or ')}`;
    }
    return fieldErrors.map((error) => `${field} ${error.message ?? 'is invalid'}`).join('; ');
  });
  return new Error(problems.join('; '));
}
