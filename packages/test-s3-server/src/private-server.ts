import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { runStartScript, type S3ServerInfo, s3ServerScript } from './s3-server.js';

const run = promisify(execFile);

/** An RGW of a test's own, whose gateway the test may stop and start (an S3 outage). */
export interface PrivateS3Server {
  info: S3ServerInfo;
  /** Kills the gateway (SIGKILL, as a crash); the cluster behind it keeps running. */
  stopGateway(): Promise<void>;
  /** Starts the gateway again; resolves once it answers. */
  startGateway(): Promise<void>;
  /** Stops everything and deletes the cluster's data. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a separate Ceph RGW (own folder and ports, memstore: ~2 s) through the project's
 * script, for tests that must stop the S3 server: the shared one (/tmp/stowage-s3) serves
 * every other test at the same time and is never stopped. Call `stop()` at the end.
 */
export async function startPrivateS3Server(name: string): Promise<PrivateS3Server> {
  const dir = `/tmp/stowage-s3-${name}-${process.pid}`;
  const info = await runStartScript({
    S3_SERVER_DIR: dir,
    S3_PORT: String(await freePort()),
    MON_PORT: String(await freePort()),
    OBJECTSTORE: 'memstore',
    STORE_GIB: '2',
  });
  const gateway = (action: 'start' | 'stop') =>
    run('bash', [s3ServerScript('gateway.sh'), action, dir], { timeout: 60_000 }).then(() => {});
  return {
    info,
    stopGateway: () => gateway('stop'),
    startGateway: () => gateway('start'),
    stop: async () => {
      await run('bash', [s3ServerScript('stop.sh'), dir, '--purge'], { timeout: 60_000 });
      await rm(`${dir}.lock`, { force: true });
    },
  };
}
