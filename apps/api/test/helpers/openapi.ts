import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

export interface Operation {
  summary?: string;
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
  requestBody?: { content: Record<string, { schema: object }> };
  parameters?: { name: string; in: string; required?: boolean; schema?: object }[];
  security?: Record<string, string[]>[];
}
export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, object> };
};

/** `METHOD /path` of every operation the document lists. */
export function operationsOf(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/**
 * Checks real answers against the document: each must have a status the operation
 * documents and a body its schema for that media type accepts. Remembers each
 * `METHOD /path status` it saw, to show that every operation was exercised.
 */
export function answerChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('binary', true);
  const checked = new Set<string>();

  async function expectDocumented(method: string, path: string, response: Response): Promise<void> {
    const operation = document.paths[path]?.[method.toLowerCase()];
    expect(operation, `${method} ${path} is not in the document`).toBeDefined();
    const documented = operation!.responses[String(response.status)] ?? operation!.responses.default;
    expect(
      documented,
      `${method} ${path} answered ${response.status}, which is not documented`,
    ).toBeDefined();
    checked.add(`${method} ${path} ${response.status}`);
    const text = await response.text();
    if (text === '' || method === 'HEAD') return;
    const type = response.headers.get('content-type')!.split(';')[0]!;
    const media = documented!.content?.[type] ?? documented!.content?.['*/*'];
    expect(
      media,
      `${method} ${path} ${response.status} answered ${type}, which is not documented`,
    ).toBeDefined();
    if (type !== 'application/json') return;
    const validate = ajv.compile(media!.schema!);
    const body = JSON.parse(text);
    expect(
      validate(body),
      `${method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}\n${text}`,
    ).toBe(true);
  }

  return { expectDocumented, checked };
}

export interface CallInit extends Omit<RequestInit, 'headers'> {
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** Another token than the admin's; `null` for none. */
  token?: string | null;
}

/**
 * Requests whose answers are checked against the document's operation:
 * `call('GET /files/{id}', `/files/${id}`)`. A path of the API goes with the admin token
 * (unless `token` says otherwise); a whole URL (an upload endpoint, a signed URL) is
 * used as clients get it, without one. Redirects are answers, not followed.
 */
export function documentedCalls(
  api: { url: string; token: string },
  expectDocumented: ReturnType<typeof answerChecker>['expectDocumented'],
) {
  return async (operation: string, target: string, init: CallInit = {}): Promise<Response> => {
    const [method, route] = operation.split(' ') as [string, string];
    const { json, token = target.startsWith('/') ? api.token : null, headers, ...rest } = init;
    const response = await fetch(target.startsWith('/') ? `${api.url}${target}` : target, {
      method,
      redirect: 'manual',
      ...rest,
      headers: {
        ...(token !== null && { authorization: `Bearer ${token}` }),
        ...(json !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
    await expectDocumented(method, route, response.clone());
    return response;
  };
}
