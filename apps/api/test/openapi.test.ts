import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, client, type FileJson } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { tusUpload } from './helpers/tus.js';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
  requestBody?: { content: Record<string, { schema: object }> };
  parameters?: { name: string; in: string }[];
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe('the OpenAPI description at /server/specs/oas', () => {
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  let document: Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('binary', true);
  const checked = new Set<string>();
  let secondRoot: string;

  beforeAll(async () => {
    secondRoot = await mkdtemp(join(tmpdir(), 'stowage-oas-'));
    api = await startApi({
      STORAGE_LOCATIONS: 'local,second',
      STORAGE_SECOND_DRIVER: 'local',
      STORAGE_SECOND_ROOT: secondRoot,
    });
    http = client(api.url, api.token);
  });
  afterAll(async () => {
    await api?.close();
    await rm(secondRoot, { recursive: true, force: true });
  });

  /** A real answer must be one the document lists for that operation, with a body its schema accepts. */
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

  it('is a valid OpenAPI 3.1 document, open to anyone', async () => {
    const response = await fetch(`${api.url}/server/specs/oas`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
    const result = await new Validator().validate(document as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(
      Object.entries(document.paths)
        .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
        .sort(),
    ).toEqual(
      [
        'GET /files',
        'POST /files',
        'GET /files/{id}',
        'PATCH /files/{id}',
        'DELETE /files/{id}',
        'GET /assets/{id}',
        'HEAD /assets/{id}',
        'POST /files/tus',
        'HEAD /files/tus/{id}',
        'PATCH /files/tus/{id}',
        'DELETE /files/tus/{id}',
        'GET /server/health',
        'GET /server/info',
        'GET /server/metrics',
        'GET /server/specs/oas',
      ].sort(),
    );
  });

  it('describes the request schemas the routes validate: the PATCH body, the list query, the upload form', () => {
    const patch = document.paths['/files/{id}']!.patch!.requestBody!.content['application/json']!.schema;
    expect(patch).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: {
        title: expect.anything(),
        filename_download: expect.anything(),
        type: expect.anything(),
        storage: expect.anything(),
      },
    });
    expect(document.paths['/files']!.get!.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['query:limit', 'query:offset', 'query:sort', 'query:filter']),
    );
    expect(Object.keys(document.paths['/files']!.post!.requestBody!.content)).toEqual([
      'multipart/form-data',
    ]);
  });

  it('matches the real answers of every route', async () => {
    const doc = (method: string, path: string, response: Response) =>
      expectDocumented(method, path, response);
    const upload = (form: FormData, token = api.token) =>
      fetch(`${api.url}/files`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${token}` },
      });
    const form = (...names: string[]) => {
      const body = new FormData();
      for (const name of names) body.append('file', new Blob([bytes(5000)], { type: 'image/png' }), name);
      return body;
    };

    const single = await upload(form('a.png'));
    const file = ((await single.clone().json()) as { data: FileJson }).data;
    await doc('POST', '/files', single);
    await doc('POST', '/files', await upload(form('b.png', 'c.png')));
    await doc('POST', '/files', await upload(new FormData()));
    await doc('POST', '/files', await upload(form('d.png'), 'wrong-token-0123456789'));

    await doc('GET', '/files', await http.fetch('/files?limit=10&sort=-uploaded_on'));
    await doc('GET', '/files', await http.fetch('/files?limit=5000'));
    await doc('GET', '/files/{id}', await http.fetch(`/files/${file.id}`));
    await doc('GET', '/files/{id}', await http.fetch('/files/00000000-0000-4000-8000-000000000000'));
    const json = { 'content-type': 'application/json' };
    await doc(
      'PATCH',
      '/files/{id}',
      await http.fetch(`/files/${file.id}`, { method: 'PATCH', headers: json, body: '{"title":"t"}' }),
    );
    await doc(
      'PATCH',
      '/files/{id}',
      await http.fetch(`/files/${file.id}`, { method: 'PATCH', headers: json, body: '{"storage":"second"}' }),
    );
    await doc(
      'PATCH',
      '/files/{id}',
      await http.fetch(`/files/${file.id}`, { method: 'PATCH', headers: json, body: '{"titel":"t"}' }),
    );

    await doc('GET', '/assets/{id}', await http.fetch(`/assets/${file.id}`));
    await doc(
      'GET',
      '/assets/{id}',
      await http.fetch(`/assets/${file.id}`, { headers: { range: 'bytes=0-9' } }),
    );
    await doc(
      'GET',
      '/assets/{id}',
      await http.fetch(`/assets/${file.id}`, { headers: { range: 'bytes=9000-' } }),
    );
    await doc(
      'GET',
      '/assets/{id}',
      await http.fetch(`/assets/${file.id}`, { headers: { 'if-none-match': `"${file.checksum}"` } }),
    );
    await doc('HEAD', '/assets/{id}', await http.fetch(`/assets/${file.id}`, { method: 'HEAD' }));
    await doc('GET', '/assets/{id}', await fetch(`${api.url}/assets/${file.id}`));

    const tus = await tusUpload(api.url, api.token, bytes(1000));
    const tusHeaders = { 'tus-resumable': '1.0.0' };
    await doc(
      'HEAD',
      '/files/tus/{id}',
      await http.fetch(`/files/tus/${tus.id}`, { method: 'HEAD', headers: tusHeaders }),
    );
    const created = await http.fetch('/files/tus', {
      method: 'POST',
      headers: { ...tusHeaders, 'upload-length': '10' },
    });
    await doc('POST', '/files/tus', created);
    const id = created.headers.get('location')!.split('/').pop()!;
    await doc(
      'PATCH',
      '/files/tus/{id}',
      await http.fetch(`/files/tus/${id}`, {
        method: 'PATCH',
        headers: { ...tusHeaders, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        body: bytes(5),
      }),
    );
    await doc(
      'DELETE',
      '/files/tus/{id}',
      await http.fetch(`/files/tus/${id}`, { method: 'DELETE', headers: tusHeaders }),
    );

    await doc('GET', '/server/health', await fetch(`${api.url}/server/health`));
    await doc('GET', '/server/info', await http.fetch('/server/info'));
    await doc('GET', '/server/info', await fetch(`${api.url}/server/info`));
    await doc('GET', '/server/metrics', await http.fetch('/server/metrics'));
    await doc('GET', '/server/metrics', await fetch(`${api.url}/server/metrics`));
    await doc('GET', '/server/specs/oas', await fetch(`${api.url}/server/specs/oas`));

    await doc('DELETE', '/files/{id}', await http.fetch(`/files/${file.id}`, { method: 'DELETE' }));
    await doc('DELETE', '/files/{id}', await http.fetch(`/files/${file.id}`, { method: 'DELETE' }));
    await doc(
      'PATCH',
      '/files/{id}',
      await http.fetch(`/files/${file.id}`, { method: 'PATCH', headers: json, body: '{}' }),
    );

    // Every documented operation was exercised at least once.
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const operation of operations) {
      expect(
        [...checked].some((entry) => entry.startsWith(`${operation} `)),
        operation,
      ).toBe(true);
    }
    expect([...checked].sort()).toEqual([
      'DELETE /files/tus/{id} 204',
      'DELETE /files/{id} 204',
      'DELETE /files/{id} 404',
      'GET /assets/{id} 200',
      'GET /assets/{id} 206',
      'GET /assets/{id} 304',
      'GET /assets/{id} 401',
      'GET /assets/{id} 416',
      'GET /files 200',
      'GET /files 400',
      'GET /files/{id} 200',
      'GET /files/{id} 404',
      'GET /server/health 200',
      'GET /server/info 200',
      'GET /server/info 401',
      'GET /server/metrics 200',
      'GET /server/metrics 401',
      'GET /server/specs/oas 200',
      'HEAD /assets/{id} 200',
      'HEAD /files/tus/{id} 200',
      'PATCH /files/tus/{id} 204',
      'PATCH /files/{id} 200',
      'PATCH /files/{id} 400',
      'PATCH /files/{id} 404',
      'POST /files 200',
      'POST /files 400',
      'POST /files 401',
      'POST /files/tus 201',
    ]);
  });
});
