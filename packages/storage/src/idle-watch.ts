/** What a watched thing reports at each look: its progress so far, or that standing still is excused (not its fault). */
export type Progress = number | 'excused';

/**
 * Watches things that should make progress (a connection's bytes, a request body) and
 * calls `onIdle` for one that made none for `idleMs`, once, then stops watching it. One
 * timer for all, running only while something is watched. Shared by the S3 driver (no
 * byte moved on a request's socket) and the API (a request body that stopped arriving).
 */
export class IdleWatch<T extends object> {
  private readonly watched = new Map<T, { progress: number; since: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly idleMs: number,
    private readonly progressOf: (thing: T) => Progress,
    private readonly onIdle: (thing: T) => void,
  ) {}

  /** Watches `thing` from now on (again, if it was). No-op when idleMs is 0. */
  watch(thing: T): void {
    if (this.idleMs <= 0) return;
    this.watched.set(thing, { progress: Number.NaN, since: Date.now() });
    this.timer ??= setInterval(() => this.check(), Math.min(1000, Math.max(50, this.idleMs / 4))).unref();
  }

  unwatch(thing: T): void {
    this.watched.delete(thing);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = Date.now();
    for (const [thing, last] of this.watched) {
      const progress = this.progressOf(thing);
      if (progress === 'excused' || progress !== last.progress) {
        last.progress = progress === 'excused' ? Number.NaN : progress;
        last.since = now;
      } else if (now - last.since >= this.idleMs) {
        this.unwatch(thing);
        this.onIdle(thing);
      }
    }
  }
}
