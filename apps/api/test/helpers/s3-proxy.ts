import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP hop in front of the real S3 server, to make a fault happen at the moment that
 * matters: the API talks to the proxy, the proxy to RGW, and the test decides which
 * answers never come back (the API dies waiting) or when the server stops reading.
 */
export interface S3Proxy {
  endpoint: string;
  /**
   * From now on, the answers `match` accepts (by request and RGW's status) reach RGW's
   * side but never the API: RGW did the work, the API waits.
   */
  hold(match: (request: IncomingMessage, status: number) => boolean): void;
  /** Resolves once `count` answers are held. */
  held(count: number): Promise<void>;
  /** Stops reading and answering, requests in flight included: a server whose disk is full. */
  stall(): void;
  /** New requests pass again; the stalled ones' connections are closed. */
  resume(): void;
  close(): Promise<void>;
}

export async function createS3Proxy(target: string): Promise<S3Proxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const inFlight = new Set<{ req: IncomingMessage; res: ServerResponse }>();
  const stalled = new Set<IncomingMessage>();
  let stalling = false;
  let holdMatch: ((request: IncomingMessage, status: number) => boolean) | undefined;
  let heldCount = 0;
  const waiters: { count: number; resolve: () => void }[] = [];

  const stallRequest = (req: IncomingMessage) => {
    req.unpipe();
    req.pause();
    stalled.add(req);
  };

  const server = createServer((req, res) => {
    if (stalling) return stallRequest(req);
    const entry = { req, res };
    inFlight.add(entry);
    res.once('close', () => inFlight.delete(entry));
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        if (stalling) return void answer.resume();
        if (holdMatch?.(req, answer.statusCode!)) {
          answer.resume();
          heldCount++;
          for (const waiter of waiters.filter((w) => w.count <= heldCount)) waiter.resolve();
          return;
        }
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    hold: (match) => {
      holdMatch = match;
    },
    held: (count) =>
      heldCount >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    stall: () => {
      stalling = true;
      for (const { req } of inFlight) stallRequest(req);
    },
    resume: () => {
      stalling = false;
      for (const req of stalled) req.socket.destroy();
      stalled.clear();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
