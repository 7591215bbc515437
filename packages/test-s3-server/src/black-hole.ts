import { createServer, type Socket } from 'node:net';

/** An endpoint on loopback that accepts connections and never reads nor answers. */
export interface BlackHole {
  endpoint: string;
  close(): void;
}

/**
 * A stalled S3 server, as RGW is once its disk is full: connections are accepted, and
 * requests sit with their bodies in the client's send buffer, unanswered, for as long
 * as the client waits. For deadline tests.
 */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.pause();
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
