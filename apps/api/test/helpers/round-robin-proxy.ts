import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy passed on, as its answer came back (or did not). */
export interface ProxiedRequest {
  method: string;
  path: string;
  /** Index of the instance it went to. */
  instance: number;
  /** The instance's status, 502 when it could not be reached, undefined when the exchange broke midway. */
  status?: number;
  error?: string;
}

export interface RoundRobinProxy {
  url: string;
  /** Every request so far, in the order their answers began. */
  readonly requests: ProxiedRequest[];
  /** Called as each request is sent on, before its body: tests time their faults with it. */
  onForward: ((entry: ProxiedRequest) => void) | undefined;
  close(): Promise<void>;
}

/**
 * A load balancer that pins nothing: each request goes to the next of `targets`.
 * "Next" counts per path, so the requests of one upload (`/files/tus/<id>`) move to
 * another instance every time, however many uploads run at once. Bodies stream both
 * ways; nothing but the target is changed (the Host header stays the proxy's, as behind
 * a real load balancer: instances build URLs from PUBLIC_URL). An instance that cannot
 * be reached answers 502; one that dies midway cuts the client's connection.
 */
export async function startRoundRobinProxy(targets: readonly string[]): Promise<RoundRobinProxy> {
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const lastByPath = new Map<string, number>();
  let next = 0;
  const pick = (path: string) => {
    const last = lastByPath.get(path);
    const index = last === undefined ? next++ % targets.length : (last + 1) % targets.length;
    lastByPath.set(path, index);
    return index;
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const instance = pick(path.split('?')[0]!);
    const target = new URL(targets[instance]!);
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path, instance };
    proxy.onForward?.(entry);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers, agent },
      (response) => {
        entry.status = response.statusCode;
        requests.push(entry);
        res.writeHead(response.statusCode ?? 502, response.statusMessage, response.rawHeaders);
        response.pipe(res);
        response.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (error) => {
      entry.error = error.message;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      entry.status = 502;
      requests.push(entry);
      res.writeHead(502, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'BAD_GATEWAY' } }] }));
    });
    // A client that goes away ends the request to the instance too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  };

  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: RoundRobinProxy = {
    url: `http://127.0.0.1:${port}`,
    requests,
    onForward: undefined,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
  return proxy;
}
