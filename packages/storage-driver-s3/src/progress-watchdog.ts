import { type AgentOptions, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Fails the request on a socket that moved no byte, in either direction, for `idleMs`.
 *
 * The SDK's `socketTimeout` is Node's socket idle timer, which Node re-arms once when a
 * write is still pending: while a request body sits in a full send buffer (a server that
 * stopped reading) it fires only after twice its time, and the SDK then tries twice more.
 * This counts the bytes the socket actually moved, so the deadline holds while a body
 * is being sent as well as while an answer is awaited.
 */
export class ProgressWatchdog {
  private readonly busy = new Map<Socket, { bytes: number; since: number }>();
  /** Sockets already subscribed to: a kept-alive socket carries many requests. */
  private readonly known = new WeakSet<Socket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs: number) {}

  /** A socket that carries a request from now on. */
  watch(socket: Socket): void {
    if (this.idleMs <= 0 || this.busy.has(socket)) return;
    if (!this.known.has(socket)) {
      this.known.add(socket);
      socket.once('close', () => this.release(socket));
    }
    this.busy.set(socket, { bytes: moved(socket), since: Date.now() });
    this.timer ??= setInterval(() => this.check(), Math.min(1000, Math.max(50, this.idleMs / 4))).unref();
  }

  /** A socket back in the pool, between requests: idle on purpose. */
  release(socket: Socket): void {
    this.busy.delete(socket);
    if (this.busy.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = Date.now();
    for (const [socket, progress] of this.busy) {
      const bytes = moved(socket);
      if (bytes !== progress.bytes || socket.connecting) {
        progress.bytes = bytes;
        progress.since = now;
      } else if (now - progress.since >= this.idleMs) {
        this.release(socket);
        // The request on it fails with this error; ETIMEDOUT makes the SDK name it a TimeoutError.
        socket.destroy(
          Object.assign(new Error(`No byte moved on the S3 connection for ${this.idleMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        );
      }
    }
  }
}

function moved(socket: Socket): number {
  return socket.bytesRead + socket.bytesWritten;
}

// biome-ignore lint/suspicious/noExplicitAny: TypeScript's rule for mixin constructors
type AgentClass = new (...args: any[]) => HttpAgent;

/** The agent class with its sockets watched while they carry a request. */
function watched<Base extends AgentClass>(Agent: Base, watchdog: ProgressWatchdog) {
  return class WatchedAgent extends Agent {
    override createConnection(
      options: Parameters<HttpAgent['createConnection']>[0],
      callback?: Parameters<HttpAgent['createConnection']>[1],
    ): Duplex | null | undefined {
      const socket = super.createConnection(options, callback);
      if (socket) watchdog.watch(socket as Socket);
      return socket;
    }

    override reuseSocket(socket: Duplex, request: Parameters<HttpAgent['reuseSocket']>[1]): void {
      watchdog.watch(socket as Socket);
      super.reuseSocket(socket, request);
    }

    /** Node reads the answer (whether the socket is kept), though its types say void. */
    override keepSocketAlive(socket: Duplex): boolean {
      watchdog.release(socket as Socket);
      return super.keepSocketAlive(socket) as unknown as boolean;
    }
  };
}

/** HTTP and HTTPS agents whose requests fail after `idleMs` without progress (see ProgressWatchdog). */
export function watchedAgents(options: AgentOptions, idleMs: number) {
  const watchdog = new ProgressWatchdog(idleMs);
  return {
    httpAgent: new (watched(HttpAgent, watchdog))(options),
    httpsAgent: new (watched(HttpsAgent, watchdog))(options),
  };
}
