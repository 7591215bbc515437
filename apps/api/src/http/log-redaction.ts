import type { FastifyRequest } from 'fastify';

/** Query parameters that grant access: whoever reads the log could use them. */
const SECRET_PARAMETERS = /([?&](?:access_token|signature)=)[^&#]*/gi;
/** The grant in the path of a direct upload's endpoints (`/files/uploads/<grant>/…`). */
const UPLOAD_GRANT = /^(\/files\/uploads\/)([^/?]+\.[^/?]+)/;

/** The URL as the logs show it: tokens and signatures replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMETERS, '$1[redacted]').replace(UPLOAD_GRANT, '$1[redacted]');
}

/** Fastify's request serializer (method, url, host, remote address and port), with the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
