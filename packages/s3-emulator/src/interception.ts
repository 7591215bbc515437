import { ClientRequestInterceptor } from '@mswjs/interceptors/ClientRequest';
import { FetchInterceptor } from '@mswjs/interceptors/fetch';
import { http } from 'msw';
import { SetupServerApi } from 'msw/node';

type HostHandler = (request: Request) => Promise<Response>;

/** Emulators listening in this process, by endpoint host (`name[:port]`, lower case). */
const listeners = new Map<string, HostHandler>();
let server: SetupServerApi | undefined;

/**
 * The emulator a URL is for: its host, or a virtual-host-style `bucket.` subdomain of it. The
 * longest endpoint host wins, so `aws.s3.emulator.test` is not taken for a bucket of `s3.emulator.test`.
 */
function listenerFor(url: URL): HostHandler | undefined {
  const host = url.host.toLowerCase();
  let best: [string, HostHandler] | undefined;
  for (const [endpointHost, handler] of listeners) {
    const matches = host === endpointHost || host.endsWith(`.${endpointHost}`);
    if (matches && endpointHost.length > (best?.[0].length ?? -1)) best = [endpointHost, handler];
  }
  return best?.[1];
}

/**
 * One msw server per process, shared by every listening emulator: msw's interceptor is
 * process-wide, and a second server's interceptor would depend on the first one's. node:http
 * (the SDK's transport) and fetch (how tests follow presigned URLs) are intercepted; requests
 * to other hosts (the real RGW, local test servers) match no handler and msw passes them
 * through untouched.
 */
export function startListening(host: string, handler: HostHandler): void {
  const key = host.toLowerCase();
  if (listeners.has(key)) {
    throw new Error(`An S3 emulator already listens on ${host}: give each emulator its own endpoint`);
  }
  listeners.set(key, handler);
  if (server) return;
  server = new SetupServerApi(
    [
      http.all(
        ({ request }) => listenerFor(new URL(request.url)) !== undefined,
        ({ request }) => (listenerFor(new URL(request.url)) as HostHandler)(request),
      ),
    ],
    [new ClientRequestInterceptor(), new FetchInterceptor()],
  );
  server.listen({ onUnhandledRequest: 'bypass' });
}

export function stopListening(host: string): void {
  listeners.delete(host.toLowerCase());
  if (listeners.size === 0 && server) {
    server.close();
    server = undefined;
  }
}
