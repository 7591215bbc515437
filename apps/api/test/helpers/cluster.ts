import { type ApiProcess, freePort, spawnApi } from './process.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.js';

export interface Cluster {
  /** The proxy's URL: what clients use, and every instance's PUBLIC_URL. */
  url: string;
  proxy: RoundRobinProxy;
  /** The running processes by index; a stopped one stays until restarted. */
  instances: ApiProcess[];
  /** SIGKILLs instance `index` (no shutdown at all) and answers when it is gone. */
  kill(index: number): Promise<void>;
  /** Starts instance `index` again, on its port (the proxy keeps sending it requests). */
  restart(index: number): Promise<ApiProcess>;
  /** Every log entry of every process so far (killed ones included), with its instance index. */
  logs(): (Record<string, unknown> & { instance: number })[];
  stop(): Promise<void>;
}

/**
 * `size` built API processes (dist/main.js) on the same environment (one database, the
 * same buckets) behind a round-robin proxy, as a deployment behind a load balancer that
 * does not pin clients.
 */
export async function startCluster(env: Record<string, string>, size = 3): Promise<Cluster> {
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const proxy = await startRoundRobinProxy(ports.map((port) => `http://127.0.0.1:${port}`));
  const start = (index: number) =>
    spawnApi({ LOG_LEVEL: 'info', ...env, PORT: String(ports[index]), PUBLIC_URL: proxy.url });
  const finished: { instance: number; process: ApiProcess }[] = [];
  // At once: a start mostly waits (the database's migrations, the locations' probes).
  const started = await Promise.allSettled(Array.from({ length: size }, (_, index) => start(index)));
  const instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    await proxy.close();
    throw failed.reason;
  }
  return {
    url: proxy.url,
    proxy,
    instances,
    kill: async (index) => {
      await instances[index]!.stop('SIGKILL');
    },
    restart: async (index) => {
      await instances[index]!.stop('SIGKILL');
      finished.push({ instance: index, process: instances[index]! });
      instances[index] = await start(index);
      return instances[index];
    },
    logs: () =>
      [...finished, ...instances.map((process, instance) => ({ instance, process }))].flatMap(
        ({ instance, process }) => process.logs().map((entry) => ({ ...entry, instance })),
      ),
    stop: async () => {
      await Promise.all(instances.map((instance) => instance.stop('SIGTERM')));
      await proxy.close();
    },
  };
}
