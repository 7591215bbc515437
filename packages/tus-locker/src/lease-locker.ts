import type { Lock, Locker, RequestRelease } from '@tus/utils';
import { acquireWithRetry } from './acquire.js';
import { LockerError, LockLostError, LockNotHeldError } from './errors.js';
import { type LockerOptions, type ResolvedLockerOptions, resolveLockerOptions } from './options.js';

/**
 * What a distributed lock store provides; LeaseLocker turns it into @tus/server's
 * Locker. A lease is the backend's proof of one held lock (a pinned connection, a
 * token), opaque to the locker.
 */
export interface LeaseBackend<Lease> {
  /**
   * The lock an upload id maps to, also the address of release requests. Ids with
   * equal keys exclude each other, as the backend's lock does.
   */
  keyOf(id: string): string;
  /**
   * One attempt at the lock of `key`: a lease when it is now held, undefined when
   * someone holds it. Whatever it waits on ends with `signal`; it holds nothing when
   * it returns undefined or throws.
   */
  tryAcquire(key: string, signal: AbortSignal): Promise<Lease | undefined>;
  /** Gives the lock up. Throws when it could not, saying what becomes of the lock. */
  release(lease: Lease): Promise<void>;
  /** Asks whichever instance holds `key` to end the holder's request (LeaseLocker.releaseRequested there). */
  requestRelease(key: string): Promise<void>;
  /**
   * Gives up the locks still held (`abandoned`: their unlock() will have nothing to do)
   * and closes what the backend opened.
   */
  close(abandoned: Lease[]): Promise<void>;
}

interface Holder<Lease> {
  readonly id: string;
  readonly key: string;
  readonly lease: Lease;
  readonly cancelReq: RequestRelease;
  lost: boolean;
}

/**
 * The part of a distributed locker that is the same on every backend: the acquire
 * loop, the holders of this instance (so a release request finds its request, and a
 * waiter here asks a holder here without a round trip), loss and release reporting.
 */
export class LeaseLocker<Lease> implements Locker {
  readonly options: ResolvedLockerOptions;
  readonly #holders = new Map<string, Holder<Lease>>();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly backend: LeaseBackend<Lease>,
    options?: LockerOptions,
  ) {
    this.options = resolveLockerOptions(options);
  }

  newLock(id: string): Lock {
    if (this.#closed) throw new Error('The locker is closed');
    let holder: Holder<Lease> | undefined;
    let acquiring = false;
    return {
      lock: async (signal, cancelReq) => {
        // tus makes a Lock per request; one locked twice at once is the caller's bug.
        if (acquiring || holder) throw new Error(`Lock on upload "${id}" is already held or being acquired`);
        acquiring = true;
        try {
          holder = await this.#acquire(id, signal, cancelReq);
        } finally {
          acquiring = false;
        }
      },
      unlock: async () => {
        if (!holder) throw new LockNotHeldError(id);
        const released = holder;
        holder = undefined;
        await this.#release(released);
      },
    };
  }

  /**
   * A release request for `key` arrived (from any instance, this one included): the
   * holder here, if any, is asked to end its request, which then unlocks.
   */
  releaseRequested(key: string): void {
    const holder = this.#holders.get(key);
    if (holder) askToEnd(holder);
  }

  /**
   * The backend found that `lease` no longer holds its lock. Its request is asked to
   * end, since others can now write beside it; its unlock() will have nothing to do.
   */
  leaseLost(key: string, lease: Lease, reason: string, cause?: unknown): void {
    const holder = this.#holders.get(key);
    if (holder?.lease !== lease) return;
    this.#holders.delete(key);
    holder.lost = true;
    this.options.onError(new LockLostError(holder.id, reason, { cause }));
    askToEnd(holder);
  }

  /**
   * Closes the backend, handing it the locks still held to give up at once; their
   * unlock() then has nothing to do. Closing again waits for the first close.
   */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true; // before the backend starts closing, which may look
      this.#closing = this.backend.close(this.#abandonAll());
    }
    return this.#closing;
  }

  /** Whether close() was called: backends open nothing more. */
  get closed(): boolean {
    return this.#closed;
  }

  /** How many locks this instance holds. */
  get held(): number {
    return this.#holders.size;
  }

  async #acquire(id: string, signal: AbortSignal, cancelReq: RequestRelease): Promise<Holder<Lease>> {
    const key = this.backend.keyOf(id);
    const lease = await acquireWithRetry({
      signal,
      options: this.options,
      attempt: async (waiting) => {
        const local = this.#holders.get(key);
        if (local) {
          askToEnd(local);
          return undefined;
        }
        const lease = await this.backend.tryAcquire(key, waiting);
        if (lease === undefined) {
          await this.backend.requestRelease(key).catch((error: unknown) => {
            this.options.onError(
              new LockerError('RELEASE_REQUEST_FAILED', id, `Could not ask the holder of "${id}" to let go`, {
                cause: error,
              }),
            );
          });
        }
        return lease;
      },
    });
    if (this.#closed) {
      // Acquired while closing: close() has handed the backend the locks it knew of.
      await this.backend.release(lease).catch(() => {});
      throw new Error('The locker is closed');
    }
    const holder: Holder<Lease> = { id, key, lease, cancelReq, lost: false };
    this.#holders.set(key, holder);
    return holder;
  }

  #abandonAll(): Lease[] {
    const leases = [...this.#holders.values()].map((holder) => {
      holder.lost = true;
      return holder.lease;
    });
    this.#holders.clear();
    return leases;
  }

  async #release(holder: Holder<Lease>): Promise<void> {
    if (holder.lost) return;
    this.#holders.delete(holder.key);
    try {
      await this.backend.release(holder.lease);
    } catch (error) {
      // The request is over and did its work: failing it now would only hide that.
      // The backend's message says when the lock frees itself (expiry, dead connection).
      this.options.onError(
        new LockerError('RELEASE_FAILED', holder.id, `Could not release the lock on "${holder.id}"`, {
          cause: error,
        }),
      );
    }
  }
}

function askToEnd(holder: Holder<unknown>): void {
  // tus's cancel only schedules the request's end; a failing callback is the
  // caller's to report, and must not stop the waiter's loop.
  try {
    Promise.resolve(holder.cancelReq()).catch(() => {});
  } catch {}
}
