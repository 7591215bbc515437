import type { FastifyInstance } from 'fastify';

/**
 * Node's server.close() closes the keep-alive connections that are idle at that moment
 * and waits for the others; one whose answer ends an instant later (a download's last
 * bytes, a refused body still draining) would then hold the shutdown until its
 * keep-alive timeout (72 s). While closing, connections are closed as they go idle.
 */
export function closeConnectionsAsTheyIdle(app: FastifyInstance): void {
  app.addHook('preClose', async () => {
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100).unref();
    app.server.once('close', () => clearInterval(sweep));
  });
}
