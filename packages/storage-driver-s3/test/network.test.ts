import { createServer, type Server, type Socket } from 'node:net';
import { streamToBuffer } from '@stowage/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../src/index.js';

/** A TCP server answering each connection with `answer`, to play a broken S3 endpoint. */
async function fakeEndpoint(answer: (socket: Socket) => void): Promise<{ endpoint: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

const driverAt = (endpoint: string) =>
  new S3Driver({ bucket: 'b', endpoint, key: 'k', secret: 's', socketTimeout: '200' });

describe('on a misbehaving endpoint', () => {
  let silent: Awaited<ReturnType<typeof fakeEndpoint>>;
  let truncating: Awaited<ReturnType<typeof fakeEndpoint>>;
  beforeAll(async () => {
    silent = await fakeEndpoint(() => {});
    // Announces 1000 bytes, sends 10, closes the connection cleanly (FIN).
    truncating = await fakeEndpoint((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nETag: "e"\r\n\r\n0123456789');
    });
  });
  afterAll(() => {
    silent.close();
    truncating.close();
  });

  it('fails a request that gets no answer within socketTimeout', async () => {
    const started = Date.now();
    await expect(driverAt(silent.endpoint).stat('x')).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
    // The SDK retries twice, with backoff; far below the 120 s default either way.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('surfaces a body cut short of its Content-Length as a stream error', async () => {
    const stream = await driverAt(truncating.endpoint).read('x');
    await expect(streamToBuffer(stream)).rejects.toThrow(/aborted/);
  });
});
