import type { FastifyBaseLogger } from 'fastify';

/** What one step of a cleanup did in one location, for the log: counts by kind. */
export type StepReport = Record<string, number>;

/** One kind of cleanup, run for each location in turn. */
export interface CleanupStep {
  readonly name: string;
  run(location: string): Promise<StepReport | undefined>;
}

/**
 * Runs a pass over a location only where no other instance runs one at the same time
 * (a PostgreSQL advisory lock, say); answers whether it ran. The default runs always:
 * every step is safe to run twice at once, only wasteful.
 */
export type Exclusive = (location: string, pass: () => Promise<void>) => Promise<boolean>;

/** What a pass over a location did, summed over its steps (the metrics' janitor counters). */
export interface PassResult {
  removed: Record<string, number>;
  failed: number;
  error?: unknown;
}

export interface JanitorOptions {
  locations: readonly string[];
  /** Time between passes (TUS_CLEANUP_INTERVAL). */
  interval: number;
  log: FastifyBaseLogger;
  exclusive?: Exclusive;
  /** Told after each pass this instance ran over a location. */
  onRun?(location: string, result: PassResult): void;
}

/**
 * Cleans every location at start and then every `interval`: its steps run in the order
 * they were registered, location by location. A step that fails is logged and the next
 * one still runs; a pass never overlaps the previous one.
 */
export class Janitor {
  private readonly steps: CleanupStep[] = [];
  private readonly exclusive: Exclusive;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: JanitorOptions) {
    this.exclusive =
      options.exclusive ??
      (async (_location, pass) => {
        await pass();
        return true;
      });
  }

  register(step: CleanupStep): this {
    this.steps.push(step);
    return this;
  }

  /** One pass over one location; the reports of the steps that ran (none when another instance holds it). */
  async runOnce(location: string): Promise<Record<string, StepReport | undefined>> {
    const reports: Record<string, StepReport | undefined> = {};
    const result: PassResult = { removed: {}, failed: 0 };
    const ran = await this.exclusive(location, async () => {
      for (const step of this.steps) {
        if (this.stopped) return;
        try {
          reports[step.name] = await step.run(location);
        } catch (error) {
          result.error = error;
          this.options.log.warn({ err: error, location, step: step.name }, 'cleanup step failed');
        }
      }
    });
    if (ran) {
      for (const [name, report] of Object.entries(reports)) {
        for (const [kind, count] of Object.entries(report ?? {})) {
          if (kind === 'failed') result.failed += count;
          else result.removed[`${name}:${kind}`] = count;
        }
      }
      this.options.onRun?.(location, result);
    }
    const done = Object.entries(reports).filter(([, report]) =>
      Object.values(report ?? {}).some((count) => count > 0),
    );
    if (done.length > 0) this.options.log.info({ location, ...Object.fromEntries(done) }, 'cleaned up');
    return reports;
  }

  /** One pass over every location; joins the pass already running, if any. */
  runAll(): Promise<void> {
    this.pass ??= (async () => {
      for (const location of this.options.locations) {
        if (this.stopped) return;
        await this.runOnce(location).catch((error: unknown) =>
          this.options.log.warn({ err: error, location }, 'cleanup failed'),
        );
      }
    })().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    void this.runAll();
    this.timer = setInterval(() => void this.runAll(), this.options.interval).unref();
  }

  /** No new pass; waits for the running one to end its current step. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.pass;
  }
}
