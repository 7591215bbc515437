import { setTimeout as sleep } from 'node:timers/promises';
import { statusOf } from '@stowage/storage-driver-s3';
import { hasAnswer } from './errors.js';

/**
 * What a later attempt may get past: no answer at all, a 5xx, throttling, S3's
 * RequestTimeout. A 4xx (not found, a missing bucket, refused) or an error that says
 * what to answer stays what it is. So does a request that timed out on our side: the
 * SDK already made it three times, each waiting socketTimeout for a server that moved
 * no byte; more attempts would only hold the client longer.
 */
function isTransient(error: unknown): boolean {
  if (hasAnswer(error) || (error as { name?: string } | null)?.name === 'TimeoutError') return false;
  const status = statusOf(error);
  return (
    status === undefined ||
    status >= 500 ||
    status === 429 ||
    (error as { name?: string } | null)?.name === 'RequestTimeout'
  );
}

/**
 * Runs `attempt` again after a transient failure, `retries` more times, waiting longer
 * each time (on top of the SDK's own quick retries: this rides out an outage of a few
 * seconds).
 */
export async function withRetries<T>(
  retries: number,
  attempt: () => Promise<T>,
  baseDelayMs = 250,
): Promise<T> {
  for (let failures = 0; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      if (failures >= retries || !isTransient(error)) throw error;
      await sleep(baseDelayMs * 2 ** failures);
    }
  }
}
