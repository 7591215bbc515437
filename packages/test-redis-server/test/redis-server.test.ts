import { connect } from 'node:net';
import { describe, expect, inject, it } from 'vitest';

const server = inject('redisServer');

/** Sends one inline command and answers its (short) reply as sent: no client library needed to check the server. */
async function command(url: string, line: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  try {
    socket.write(`${line}\r\n`);
    const [chunk] = (await socket.take(1).toArray()) as Buffer[];
    return chunk?.toString() ?? '';
  } finally {
    socket.destroy();
  }
}

describe.skipIf(!server)('Redis test server', () => {
  it('answers on loopback', async () => {
    expect(new URL(server!.url).hostname).toBe('127.0.0.1');
    expect(await command(server!.url, 'PING')).toBe('+PONG\r\n');
  });

  it('keeps nothing on disk: no snapshots, no append-only file', async () => {
    expect(await command(server!.url, 'CONFIG GET appendonly')).toBe(
      '*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n',
    );
    expect(await command(server!.url, 'CONFIG GET save')).toBe('*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
  });
});
