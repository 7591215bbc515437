/**
 * A counted resource shared by every upload of a server or a store (requests writing
 * at once, part uploads in flight, bytes of part buffers): takers wait in order until
 * what they ask for is free, so that one large request is not starved by a stream of
 * small ones.
 */
export class Budget {
  private used = 0;
  private readonly waiting: { amount: number; grant: () => void }[] = [];

  constructor(readonly capacity: number) {}

  /**
   * Waits for `amount` (at most the capacity: a larger taker goes alone) and returns what
   * it took; `signal` gives up waiting (rejecting with its reason), having taken nothing.
   */
  async take(amount: number, signal?: AbortSignal): Promise<number> {
    const taken = Math.min(amount, this.capacity);
    signal?.throwIfAborted();
    if (this.waiting.length === 0 && this.used + taken <= this.capacity) {
      this.used += taken;
      return taken;
    }
    await new Promise<void>((grant, reject) => {
      const waiter = { amount: taken, grant };
      this.waiting.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.waiting.indexOf(waiter);
          if (index < 0) return;
          this.waiting.splice(index, 1);
          // Those behind it may fit now.
          this.give(0);
          reject(signal.reason);
        },
        { once: true },
      );
    });
    return taken;
  }

  give(amount: number): void {
    this.used -= amount;
    while (this.waiting.length > 0 && this.used + this.waiting[0]!.amount <= this.capacity) {
      const next = this.waiting.shift()!;
      this.used += next.amount;
      next.grant();
    }
  }

  async use<T>(amount: number, work: () => Promise<T>): Promise<T> {
    const taken = await this.take(amount);
    try {
      return await work();
    } finally {
      this.give(taken);
    }
  }
}
