import { type Lock, LockLostError } from '@stowage/tus-locker';
import { ERRORS } from '@tus/utils';
import type { FastifyBaseLogger } from 'fastify';
import type { TusLockerKind } from '../config/coordination-env.js';
import { type LockerScope, type OwnedLocker, openLocker } from './lockers.js';

/** The lease's locks live apart from the TUS locks on the same backend. */
const LEASE_SCOPE: LockerScope = {
  namespace: 'stowage:leader',
  channel: 'stowage_leader_release',
  redisKeys: 'leader-lock:',
};
const LEASE_ID = 'janitor';
/**
 * How long one try at a lease held elsewhere may take (a cold connection included). The
 * pause before a second attempt is longer, so a try is one attempt: the lease is held
 * for as long as its holder runs, and asking again within a tick would change nothing.
 */
const DEFAULT_TRY_WINDOW_MS = 2_000;

/**
 * One instance at a time runs the periodic cleanup: the one holding the leader lease, a
 * lock kept for as long as the instance runs (a PostgreSQL session holding an advisory
 * lock, a Redis key renewed while held, or the process itself for the memory kind). The
 * other instances try to take it at each of their ticks and otherwise skip the work: a
 * leader that dies loses the lease with it (its session closes, its key expires) and the
 * next tick elsewhere takes over. The cleanup stays idempotent, for the moment when an old
 * leader's run has not noticed yet that its lease is gone.
 */
export class Leader {
  #lease: Lock | undefined;
  #trying: Promise<boolean> | undefined;
  readonly #running = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;
  #locker!: OwnedLocker;

  private constructor(
    /** Where the lease lives. */
    readonly kind: TusLockerKind,
    private readonly log: FastifyBaseLogger,
    private readonly tryWindow: number,
  ) {}

  /** `tryWindow`: how long a try at a lease held elsewhere lasts (ms; default 2 s). */
  static async open(
    kind: TusLockerKind,
    backends: Parameters<typeof openLocker>[1],
    log: FastifyBaseLogger,
    { tryWindow = DEFAULT_TRY_WINDOW_MS }: { tryWindow?: number } = {},
  ): Promise<Leader> {
    const leader = new Leader(kind, log, tryWindow);
    leader.#locker = await openLocker(kind, backends, LEASE_SCOPE, {
      acquireTimeout: tryWindow,
      retryDelay: { initial: 2 * tryWindow, max: 2 * tryWindow },
      onError: (error) => {
        if (error instanceof LockLostError) leader.#leaseLost(error);
        else log.warn({ err: error }, 'janitor lease: %s', error.message);
      },
    });
    return leader;
  }

  /** Whether this instance holds the lease now. */
  get leading(): boolean {
    return this.#lease !== undefined;
  }

  /** Takes the lease if it is free; true when this instance holds it. */
  tryToLead(): Promise<boolean> {
    if (this.#lease) return Promise.resolve(true);
    if (this.#closed) return Promise.resolve(false);
    this.#trying ??= this.#attempt().finally(() => {
      this.#trying = undefined;
    });
    return this.#trying;
  }

  /**
   * Runs `task` when this instance leads (taking the lease if it is free), and not while
   * the previous run of the same task is still going. True when it ran.
   */
  async run(name: string, task: () => Promise<void>): Promise<boolean> {
    if (this.#running.has(name) || !(await this.tryToLead()) || this.#running.has(name)) return false;
    this.#running.add(name);
    try {
      await task();
    } finally {
      this.#running.delete(name);
    }
    return true;
  }

  /** Runs `task` every `interval` ms on whichever instance leads; failures are logged. */
  every(interval: number, name: string, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      this.run(name, task).catch((error: unknown) => this.log.warn({ err: error }, '%s failed', name));
    }, interval);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Stops the timers and gives the lease up: another instance takes it at its next tick. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.clear();
    const lease = this.#lease;
    this.#lease = undefined;
    await lease?.unlock().catch(() => {}); // closing the locker frees it anyway
    await this.#locker.close();
  }

  async #attempt(): Promise<boolean> {
    const lock = this.#locker.newLock(LEASE_ID);
    try {
      // Asked to let go by another instance's try: the lease is kept until shutdown or loss.
      await lock.lock(AbortSignal.timeout(this.tryWindow), () => {});
    } catch (error) {
      if (error !== ERRORS.ERR_LOCK_TIMEOUT && !this.#closed) {
        this.log.warn({ err: error }, 'could not try the janitor lease (%s)', this.kind);
      }
      return false;
    }
    if (this.#closed) {
      await lock.unlock().catch(() => {});
      return false;
    }
    this.#lease = lock;
    this.log.info({ lease: this.kind }, 'janitor lease taken: this instance runs the periodic cleanup');
    return true;
  }

  #leaseLost(error: LockLostError): void {
    if (!this.#lease) return;
    this.#lease = undefined;
    this.log.warn({ err: error }, 'janitor lease lost: another instance may run the cleanup now');
  }
}
