/**
 * Runs `work` on every item with at most `concurrency` at a time. Once `stop` is
 * aborted no new item is started; those in progress finish. `work` handles its own
 * failures: one file failing must not stop the others.
 */
export async function forEachConcurrently<T>(
  items: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  stop?: AbortSignal,
): Promise<void> {
  // An async generator queues concurrent next() calls: each item goes to exactly one worker.
  const iterator = items[Symbol.asyncIterator]();
  const worker = async () => {
    while (!stop?.aborted) {
      const next = await iterator.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await iterator.return?.();
  }
}
