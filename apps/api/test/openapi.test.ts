import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { type OpenApiDocument, operationsOf } from './helpers/openapi.js';

// The answers of every operation are checked against this document in openapi-answers.test.ts.
describe('the OpenAPI description at /server/specs/oas', () => {
  let api: RunningApi;
  let document: OpenApiDocument;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api?.close());

  it('is a valid OpenAPI 3.1 document listing exactly the routes, open to anyone', async () => {
    const response = await fetch(`${api.url}/server/specs/oas`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
    const result = await new Validator().validate(document as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(operationsOf(document).sort()).toEqual(
      [
        'GET /files',
        'POST /files',
        'GET /files/{id}',
        'PATCH /files/{id}',
        'DELETE /files/{id}',
        'GET /assets/{id}',
        'HEAD /assets/{id}',
        'POST /assets/{id}/sign',
        'POST /files/uploads',
        'POST /files/uploads/grants',
        'POST /files/uploads/{grant}/complete',
        'DELETE /files/uploads/{grant}',
        'POST /files/uploads/{grant}/s3/multipart',
        'GET /files/uploads/{grant}/s3/multipart/{uploadId}/{partNumber}',
        'GET /files/uploads/{grant}/s3/multipart/{uploadId}',
        'DELETE /files/uploads/{grant}/s3/multipart/{uploadId}',
        'POST /files/uploads/{grant}/s3/multipart/{uploadId}/complete',
        'GET /files/uploads/{grant}/s3/params',
        'OPTIONS /files/tus',
        'POST /files/tus',
        'OPTIONS /files/tus/{id}',
        'HEAD /files/tus/{id}',
        'PATCH /files/tus/{id}',
        'DELETE /files/tus/{id}',
        'POST /files/tus/{id}',
        'GET /server/health',
        'GET /server/info',
        'GET /server/metrics',
        'GET /server/specs/oas',
      ].sort(),
    );
    for (const [path, methods] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(methods))
        expect(operation.summary, `${method} ${path} has no summary`).toBeTruthy();
  });

  it('describes the requests the routes validate: bodies from their zod schemas, parameters, headers', () => {
    const operation = (method: string, path: string) => document.paths[path]![method]!;
    const body = (method: string, path: string) =>
      operation(method, path).requestBody!.content['application/json']!.schema;
    const parameters = (method: string, path: string) =>
      operation(method, path).parameters!.map((p) => `${p.in}:${p.name}`);

    expect(body('patch', '/files/{id}')).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: {
        title: expect.anything(),
        filename_download: expect.anything(),
        type: expect.anything(),
        storage: expect.anything(),
      },
    });
    expect(parameters('get', '/files')).toEqual(
      expect.arrayContaining(['query:limit', 'query:offset', 'query:sort', 'query:filter']),
    );
    expect(Object.keys(operation('post', '/files').requestBody!.content)).toEqual(['multipart/form-data']);
    // The sign body may be left out (the defaults apply); the start body may not.
    expect(body('post', '/assets/{id}/sign')).toMatchObject({
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { expires_in: { type: 'integer', minimum: 1, maximum: 604800 } },
    });
    expect(body('post', '/files/uploads')).toMatchObject({
      type: 'object',
      required: ['filename', 'size'],
      additionalProperties: false,
    });
    // Uppy's create request may carry more than the API reads.
    expect(body('post', '/files/uploads/{grant}/s3/multipart')).not.toHaveProperty('additionalProperties');
    expect(parameters('get', '/assets/{id}')).toEqual(
      expect.arrayContaining(['query:download', 'query:redirect', 'query:expires', 'query:signature']),
    );
    // `?access_token=` is a security scheme beside the bearer token, not a parameter of its own.
    expect(document.components.securitySchemes.accessToken).toMatchObject({
      type: 'apiKey',
      in: 'query',
      name: 'access_token',
    });
    expect(operation('get', '/files/{id}').security).toEqual([{ bearerToken: [] }, { accessToken: [] }]);
    expect(parameters('get', '/assets/{id}')).not.toContain('query:access_token');
    // Upload endpoints and TUS discovery take no token.
    expect(operation('post', '/files/uploads/{grant}/complete').security).toBeUndefined();
    expect(operation('options', '/files/tus/{id}').security).toBeUndefined();
    expect(parameters('post', '/files/tus')).toEqual(
      expect.arrayContaining(['header:upload-concat', 'header:upload-checksum']),
    );
    expect(parameters('post', '/files/tus/{id}')).toEqual(
      expect.arrayContaining(['header:x-http-method-override', 'header:upload-offset']),
    );
    expect(Object.keys(operation('patch', '/files/tus/{id}').requestBody!.content)).toEqual([
      'application/offset+octet-stream',
    ]);
  });
});
