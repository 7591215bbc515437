import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DataStore, Server, type ServerOptions, TUS_RESUMABLE, TUS_VERSION } from '@tus/server';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import type { Budget } from './budget.js';
import { drainRequest } from './drain-request.js';
import {
  ChecksumPatchHandler,
  ConcatenationHeadHandler,
  ConcatenationPostHandler,
  DiscoveryOptionsHandler,
} from './handlers.js';
import { nodeBody } from './node-body.js';

export type TusServerOptions = ConstructorParameters<typeof Server>[0] & {
  datastore: DataStore;
  /**
   * Requests whose body is being written at once (PATCH, creation with data), shared by
   * the servers that are given the same Budget. Others wait in arrival order before any
   * of their body is read, so that the connection holds it, not memory.
   */
  writeSlots?: Budget;
};

/**
 * @tus/server with what it lacks of the protocol: the checksum and concatenation
 * extensions (with stores that have them), Tus-Checksum-Algorithm in discovery,
 * X-HTTP-Method-Override, and 412 with Tus-Version for a version it does not speak.
 * Request bodies reach the store without srvx's copy of every chunk (node-body.ts), as
 * many at once as `writeSlots` lets.
 */
export class TusServer extends Server {
  private readonly writeSlots: Budget | undefined;

  constructor({ writeSlots, ...options }: TusServerOptions) {
    super(options);
    this.writeSlots = writeSlots;
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
    const slots = carriesBody(req) ? this.writeSlots : undefined;
    if (slots && !(await waitForSlot(slots, req))) return;
    try {
      await this.respond(req, res);
    } finally {
      slots?.give(1);
    }
  }

  private async respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
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

/** PATCH, or a creation request with data (creation-with-upload). */
function carriesBody(req: IncomingMessage): boolean {
  if (req.method === 'PATCH') return true;
  if (req.method !== 'POST') return false;
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Takes a write slot; false when the client went away while waiting (nothing left to
 * answer). While it waits, its connection is not read at all: the kernel holds the body.
 */
async function waitForSlot(slots: Budget, req: IncomingMessage): Promise<boolean> {
  const gone = new AbortController();
  const onClose = () => gone.abort();
  req.once('close', onClose);
  req.socket.pause();
  try {
    await slots.take(1, gone.signal);
    return true;
  } catch {
    return false;
  } finally {
    req.off('close', onClose);
    req.socket.resume();
  }
}
