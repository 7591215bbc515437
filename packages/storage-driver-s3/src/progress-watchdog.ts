import { type AgentOptions, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { IdleWatch } from '@stowage/storage';

/**
 * Fails the request on a socket that moved no byte, in either direction, for `idleMs`.
 *
 * The SDK's `socketTimeout` is Node's socket idle timer, which Node re-arms once when a
 * write is still pending: while a request body sits in a full send buffer (a server that
 * stopped reading) it fires only after twice its time, and the SDK then tries twice more.
 * This counts the bytes the socket actually moved, so the deadline holds while a body
 * is being sent as well as while an answer is awaited. A socket is watched while it
 * carries a request: from its creation or reuse until the agent keeps it for the next.
 */
function socketWatch(idleMs: number): IdleWatch<Socket> {
  return new IdleWatch<Socket>(
    idleMs,
    (socket) => (socket.connecting ? 'excused' : socket.bytesRead + socket.bytesWritten),
    // The request on it fails with this error; ETIMEDOUT makes the SDK name it a TimeoutError.
    (socket) =>
      socket.destroy(
        Object.assign(new Error(`No byte moved on the S3 connection for ${idleMs} ms`), {
          code: 'ETIMEDOUT',
        }),
      ),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: TypeScript's rule for mixin constructors
type AgentClass = new (...args: any[]) => HttpAgent;

/** The agent class with its sockets watched while they carry a request. */
function watched<Base extends AgentClass>(Agent: Base, watch: IdleWatch<Socket>) {
  return class WatchedAgent extends Agent {
    override createConnection(
      options: Parameters<HttpAgent['createConnection']>[0],
      callback?: Parameters<HttpAgent['createConnection']>[1],
    ): Duplex | null | undefined {
      const socket = super.createConnection(options, callback) as Socket | null | undefined;
      if (socket) {
        watch.watch(socket);
        socket.once('close', () => watch.unwatch(socket));
      }
      return socket;
    }

    override reuseSocket(socket: Duplex, request: Parameters<HttpAgent['reuseSocket']>[1]): void {
      watch.watch(socket as Socket);
      super.reuseSocket(socket, request);
    }

    /** Node reads the answer (whether the socket is kept), though its types say void. */
    override keepSocketAlive(socket: Duplex): boolean {
      watch.unwatch(socket as Socket);
      return super.keepSocketAlive(socket) as unknown as boolean;
    }
  };
}

/** HTTP and HTTPS agents whose requests fail after `idleMs` without progress on their socket. */
export function watchedAgents(options: AgentOptions, idleMs: number) {
  const watch = socketWatch(idleMs);
  return {
    httpAgent: new (watched(HttpAgent, watch))(options),
    httpsAgent: new (watched(HttpsAgent, watch))(options),
  };
}
