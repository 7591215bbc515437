import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from '@tus/server';
import type { DataStore } from '@tus/utils';

export interface RunningTusServer {
  endpoint: string;
  close(): Promise<void>;
}

/** @tus/server in front of the store on a random loopback port, naming uploads as the API does. */
export async function startTusServer(
  datastore: DataStore,
  options: Partial<ServerOptions> = {},
): Promise<RunningTusServer> {
  const tus = new Server({ path: '/files', datastore, namingFunction: () => randomUUID(), ...options });
  const http = createServer((req, res) => void tus.handle(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/files`,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
