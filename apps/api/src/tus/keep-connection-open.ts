import type { ServerResponse } from 'node:http';

/**
 * @tus/server answers a failed PATCH or POST (507, 413, 503) with `Connection: close`
 * while the client is still sending its body: the close resets the connection and the
 * client reports the reset, not the answer. Without it, the rest of the body is drained
 * (refused-bodies.ts, bounded) and the answer arrives.
 */
export function keepConnectionOpen(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  // srvx passes the headers raw: [name, value, name, value, …].
  const withoutConnection = (raw: unknown[]) =>
    raw.flatMap((value, index) =>
      index % 2 === 0 && String(value).toLowerCase() !== 'connection' ? [value, raw[index + 1]] : [],
    );
  res.writeHead = ((...args: unknown[]) =>
    writeHead(
      ...args.map((arg) => (Array.isArray(arg) ? withoutConnection(arg) : arg)),
    )) as ServerResponse['writeHead'];
}
