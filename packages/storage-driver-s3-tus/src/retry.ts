import { setTimeout as sleep } from 'node:timers/promises';
import { hasAnswer, isGone } from './errors.js';

/**
 * Runs `attempt` again after a failure, `retries` more times, waiting longer each time
 * (on top of the SDK's own quick retries: this rides out an outage of a few seconds).
 * A definite not-found, or an error that says what to answer, is never retried.
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
      if (failures >= retries || isGone(error) || hasAnswer(error)) throw error;
      await sleep(baseDelayMs * 2 ** failures);
    }
  }
}
