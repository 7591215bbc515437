import type { ClientRequest } from 'node:http';
import { getRawRequest } from '@mswjs/interceptors';
import { checkDigests } from './checksums.js';
import { S3Error } from './s3-error.js';

/** A request's payload, read once on demand (aws-chunked framing removed, digests checked). */
export class RequestBody {
  private reading: Promise<Buffer> | undefined;

  constructor(private readonly request: Request) {}

  read(): Promise<Buffer> {
    const { headers } = this.request;
    this.reading ??= readRequestBody(this.request).then((raw) => {
      const declared = new Map(headers);
      if (!isAwsChunked(headers)) return checkDigests(raw, declared);
      const { payload, trailers } = decodeAwsChunked(raw);
      return checkDigests(payload, new Map([...declared, ...trailers]));
    });
    return this.reading;
  }

  /** Reads what nobody read: answering before would leave the client writing into a finished request. */
  async drain(): Promise<void> {
    if (this.request.body && !this.reading) await this.read().catch(() => undefined);
  }
}

/**
 * Reads a request's whole body. A real server answers `Expect: 100-continue` with an interim
 * 100 response; msw's socket never does, and the SDK would then hold the body back for 6 s
 * (@smithy/node-http-handler's MIN_WAIT_TIME), so the emulator tells the client to go on.
 */
async function readRequestBody(request: Request): Promise<Buffer> {
  if (request.headers.get('expect')?.toLowerCase() === '100-continue') {
    (getRawRequest(request) as ClientRequest | undefined)?.emit('continue');
  }
  if (!request.body) return Buffer.alloc(0);
  // arrayBuffer() gathers the chunks and copies once: no quadratic concatenation on big bodies.
  return Buffer.from(await request.arrayBuffer());
}

/** Whether the body uses the SDK's `aws-chunked` framing (streamed bodies with trailing checksums). */
export function isAwsChunked(headers: Headers): boolean {
  return (
    (headers.get('content-encoding') ?? '').split(',').some((coding) => coding.trim() === 'aws-chunked') ||
    (headers.get('x-amz-content-sha256') ?? '').startsWith('STREAMING-')
  );
}

/**
 * The payload of an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` chunks,
 * a zero-size chunk, then `name:value` trailer lines (the checksum).
 */
function decodeAwsChunked(body: Buffer): { payload: Buffer; trailers: Map<string, string> } {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0)
      throw new S3Error(400, 'IncompleteBody', 'The aws-chunked body ended inside a chunk header');
    const size = parseInt(body.toString('latin1', offset, lineEnd).split(';')[0] as string, 16);
    if (Number.isNaN(size)) throw new S3Error(400, 'InvalidRequest', 'Malformed aws-chunked chunk header');
    const start = lineEnd + 2;
    if (size === 0)
      return { payload: Buffer.concat(chunks), trailers: trailersOf(body.toString('latin1', start)) };
    if (start + size > body.length)
      throw new S3Error(400, 'IncompleteBody', 'The aws-chunked body is truncated');
    chunks.push(body.subarray(start, start + size));
    offset = start + size + 2;
  }
}

function trailersOf(text: string): Map<string, string> {
  const trailers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return trailers;
}
