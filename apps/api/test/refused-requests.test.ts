import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiErrorJson, bytes, formData } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';

const MIB = 1024 * 1024;

interface Outcome {
  status?: number;
  body?: string;
  /** The first connection error, if any came before the body was sent and the answer read. */
  error?: string;
}

/**
 * Sends `body` the way simple clients do (all of it, then read the answer), and reports
 * what the client saw: the answer, or a connection error (EPIPE, ECONNRESET) in its place.
 */
function send(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  { keepAlive }: { keepAlive: boolean },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = {};
    let sent = false;
    let answered = false;
    const done = () => sent && answered && resolve(outcome);
    const req = request(`${url}/files`, {
      method: 'POST',
      // Without an agent Node's client asks the server to close the connection after the answer.
      ...(keepAlive ? {} : { agent: false }),
      headers: { ...headers, 'content-length': String(body.length) },
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      outcome.error ??= error.code;
      resolve(outcome);
    });
    req.on('response', (response) => {
      outcome.status = response.statusCode;
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => {
        outcome.body = text;
        answered = true;
        done();
      });
    });
    req.end(body, () => {
      sent = true;
      done();
    });
  });
}

async function multipart(content: Buffer): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const encoded = new Response(formData({}, [{ content }]));
  return {
    headers: { 'content-type': encoded.headers.get('content-type')! },
    body: Buffer.from(await encoded.arrayBuffer()),
  };
}

describe('requests refused before their body is read', () => {
  let api: RunningApi;
  let small: RunningApi;
  beforeAll(async () => {
    api = await startApi();
    small = await startApi({ FILES_MAX_UPLOAD_SIZE: '1mb' });
  });
  afterAll(async () => {
    await api?.close();
    await small?.close();
  });

  it('a 16 MiB upload with a wrong token gets its 401, every time', async () => {
    const { headers, body } = await multipart(bytes(16 * MIB, 1));
    for (let attempt = 0; attempt < 15; attempt++) {
      const outcome = await send(
        api.url,
        { ...headers, authorization: 'Bearer wrong-token-0123456789abcdef' },
        body,
        { keepAlive: attempt % 2 === 0 },
      );
      expect(outcome.error).toBeUndefined();
      expect(outcome.status).toBe(401);
      expect(JSON.parse(outcome.body!).errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
    }
  });

  it('a 16 MiB upload past FILES_MAX_UPLOAD_SIZE gets its 413', async () => {
    const { headers, body } = await multipart(bytes(16 * MIB, 2));
    for (let attempt = 0; attempt < 5; attempt++) {
      const outcome = await send(small.url, { ...headers, authorization: `Bearer ${small.token}` }, body, {
        keepAlive: attempt % 2 === 0,
      });
      expect(outcome.error).toBeUndefined();
      expect(outcome.status).toBe(413);
    }
  });

  it.each([
    ['malformed JSON', 'application/json', '{"title":'],
    ['an unsupported media type', 'text/plain', 'title'],
    ['a JSON body past the limit', 'application/json', JSON.stringify({ title: 'x'.repeat(2 * MIB) })],
  ])('a body with %s and a wrong token: 401, not what parsing it would say', async (_, type, body) => {
    const response = await fetch(`${api.url}/files/00000000-0000-4000-8000-000000000000`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer wrong-token-0123456789abcdef', 'content-type': type },
      body,
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: ApiErrorJson[] }).errors[0]!.extensions.code).toBe(
      'INVALID_CREDENTIALS',
    );
  });
});

describe("what Fastify and Node's parser refuse answers the API's error shape", () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api?.close());

  /** The raw answer to a request written by hand. */
  const raw = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const { port } = new URL(api.url);
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(text));
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        answer += chunk;
      });
      socket.on('close', () => resolve(answer)).on('error', reject);
    });
  const errorOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).errors[0];

  it.each([
    [
      'a path segment too long',
      `GET /files/${'a'.repeat(300)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      414,
      'URI_TOO_LONG',
    ],
    ['a URL that does not decode', 'GET /assets/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST'],
    [
      'headers too large',
      `GET /files HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
    ['a request line that does not parse', 'NOT HTTP\r\n\r\n', 400, 'BAD_REQUEST'],
  ])('%s', async (_, text, status, code) => {
    const answer = await raw(text);
    expect(answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(errorOf(answer)).toEqual({ message: expect.any(String), extensions: { code } });
  });
});
