import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DataStore, Server, type ServerOptions, TUS_RESUMABLE, TUS_VERSION } from '@tus/server';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import { drainRequest } from './drain-request.js';
import {
  ChecksumPatchHandler,
  ConcatenationHeadHandler,
  ConcatenationPostHandler,
  DiscoveryOptionsHandler,
} from './handlers.js';
import { nodeBody } from './node-body.js';

export type TusServerOptions = ConstructorParameters<typeof Server>[0] & { datastore: DataStore };

/**
 * @tus/server with what it lacks of the protocol: the checksum and concatenation
 * extensions (with stores that have them), Tus-Checksum-Algorithm in discovery,
 * X-HTTP-Method-Override, and 412 with Tus-Version for a version it does not speak.
 * Request bodies reach the store without srvx's copy of every chunk (node-body.ts).
 */
export class TusServer extends Server {
  constructor(options: TusServerOptions) {
    super(options);
    const { datastore } = this;
    const handlerOptions = this.handlers.PATCH.options as ServerOptions;
    this.handlers.PATCH = new ChecksumPatchHandler(datastore, handlerOptions);
    this.handlers.POST = new ConcatenationPostHandler(datastore, handlerOptions);
    this.handlers.HEAD = new ConcatenationHeadHandler(datastore, handlerOptions);
    this.handlers.OPTIONS = new DiscoveryOptionsHandler(datastore, handlerOptions);
  }

  override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Clients behind proxies that only pass GET and POST send PATCH and DELETE as POST.
    const override = req.headers['x-http-method-override'];
    if (req.method === 'POST' && typeof override === 'string') req.method = override.trim().toUpperCase();
    const request = new NodeRequest({ req, res });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      let body: ReadableStream<Uint8Array> | undefined;
      Object.defineProperty(request, 'body', { get: () => (body ??= nodeBody(req)) });
    }
    const response = await this.handleWeb(request as unknown as Request);
    if (!req.complete && response.status >= 400) {
      // Keep the connection while the refused body is read away, so the client reads the answer.
      response.headers.delete('Connection');
      drainRequest(req);
    }
    return sendNodeResponse(res, response as never);
  }

  override async handleWeb(req: Request): Promise<Response> {
    const response = await super.handleWeb(req);
    const version = req.headers.get('tus-resumable');
    if (req.method === 'OPTIONS' || version === null || version === TUS_RESUMABLE) return response;
    // The protocol's answer to a version the server does not speak (@tus/server says 400).
    const headers = new Headers(response.headers);
    headers.set('Tus-Version', TUS_VERSION.join(','));
    headers.delete('Content-Length');
    return new Response(`Unsupported Tus-Resumable version ${version}\n`, { status: 412, headers });
  }
}
