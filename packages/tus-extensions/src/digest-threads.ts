import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DigestReply, DigestRequest } from './digest-worker.js';

/** The worker's file beside this one: TypeScript when running from the sources (tests), JavaScript from the build. */
const script = new URL(
  import.meta.url.endsWith('.ts') ? './digest-worker.ts' : './digest-worker.js',
  import.meta.url,
);

/**
 * Hashing costs more CPU than anything else an upload does in this process (hash-wasm
 * runs at a sixth of OpenSSL's speed), so it runs on threads of its own: one per core
 * but the one serving requests, at most 4.
 */
const THREADS = Math.max(1, Math.min(4, availableParallelism() - 1));

/** One hashing thread: requests go in order, answers come back by number. */
class DigestThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextReply = 1;
  ended: Error | undefined;

  constructor(onEnd: (thread: DigestThread) => void) {
    this.worker = new Worker(script);
    // Idle threads do not keep the process alive; a thread that owes answers does.
    this.worker.unref();
    this.worker.on('message', ({ reply, ...answer }: DigestReply) => {
      const waiter = this.waiting.get(reply)!;
      this.waiting.delete(reply);
      if (this.waiting.size === 0) this.worker.unref();
      if ('error' in answer) waiter.reject(new Error(`SHA-256 digest: ${answer.error}`));
      else waiter.resolve(answer.value);
    });
    const end = (error: Error) => {
      this.ended ??= error;
      for (const waiter of this.waiting.values()) waiter.reject(this.ended);
      this.waiting.clear();
      onEnd(this);
    };
    this.worker.on('error', end);
    this.worker.on('exit', (code) => end(new Error(`the digest thread exited (${code})`)));
  }

  /** Sends a request that needs no answer; `transfer` moves buffers to the thread instead of copying them. */
  post(request: DigestRequest, transfer: ArrayBuffer[] = []): void {
    if (this.ended) return;
    this.worker.postMessage(request, transfer);
  }

  ask<T>(request: DigestRequest & { reply: number }): Promise<T> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<T>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(request.reply, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage(request);
    });
  }

  replyNumber(): number {
    return this.nextReply++;
  }
}

const threads: DigestThread[] = [];
let turn = 0;
let nextId = 1;

/** A thread for a new digest (round robin), and the digest's id on it. */
export function digestThread(): { thread: DigestThread; id: number } {
  if (threads.length < THREADS) {
    threads.push(
      new DigestThread((ended) => {
        const index = threads.indexOf(ended);
        if (index >= 0) threads.splice(index, 1);
      }),
    );
  }
  const thread = threads[turn++ % threads.length]!;
  return { thread, id: nextId++ };
}

export type { DigestThread };
