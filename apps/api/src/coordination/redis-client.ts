import type { Redis } from 'ioredis';

/**
 * The Redis connection of this instance, shared by its lockers (each subscribes on a
 * duplicate of it). Connected before the API listens, so that a wrong or unreachable
 * REDIS_URL stops the start instead of failing every upload later.
 */
export async function connectRedis(url: string): Promise<Redis> {
  // Imported only when used: a deployment without Redis does not load the client.
  const { Redis } = await import('ioredis');
  // A command waits through one reconnection at most: a lock request against a server
  // that is down fails while its client is still there to retry.
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let lastError: Error | undefined;
  // Failures reach the commands that were waiting; ioredis reconnects by itself.
  client.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const reason = lastError?.message ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`cannot reach Redis at REDIS_URL (${redacted(url)}): ${reason}`, { cause: error });
  }
  return client;
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
