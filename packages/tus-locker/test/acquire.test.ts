import { ERRORS } from '@tus/utils';
import { describe, expect, it } from 'vitest';
import { acquireWithRetry, resolveLockerOptions } from '../src/index.js';

const options = resolveLockerOptions({ retryDelay: { initial: 1, max: 2 } });

describe('acquireWithRetry', () => {
  it('attempts until an attempt holds the lock, and returns its lease', async () => {
    let attempts = 0;
    const lease = await acquireWithRetry({
      signal: new AbortController().signal,
      options,
      attempt: async () => (++attempts === 5 ? 'lease' : undefined),
    });
    expect(lease).toBe('lease');
    expect(attempts).toBe(5);
  });

  it('fails with ERR_LOCK_TIMEOUT without attempting when the request is already aborted', async () => {
    let attempts = 0;
    const attempt = async () => {
      attempts += 1;
      return 'lease';
    };
    await expect(acquireWithRetry({ signal: AbortSignal.abort(), options, attempt })).rejects.toBe(
      ERRORS.ERR_LOCK_TIMEOUT,
    );
    expect(attempts).toBe(0);
  });

  it('passes an attempt the signal that ends the wait, and stops attempting once it has', async () => {
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    const waiting = acquireWithRetry({
      signal: controller.signal,
      options,
      attempt: async (signal) => {
        seen.push(signal);
        return undefined;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(waiting).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    const attempts = seen.length;
    expect(attempts).toBeGreaterThan(1);
    expect(seen.every((signal) => signal.aborted)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.length).toBe(attempts);
  });

  it("fails with the attempt's own error at once: a backend that is down", async () => {
    const down = new Error('connection refused');
    await expect(
      acquireWithRetry({
        signal: new AbortController().signal,
        options,
        attempt: async () => {
          throw down;
        },
      }),
    ).rejects.toBe(down);
  });
});

describe('resolveLockerOptions', () => {
  it('defaults to a 30 s acquire timeout and 10 → 100 ms retries', () => {
    const resolved = resolveLockerOptions();
    expect(resolved.acquireTimeout).toBe(30_000);
    expect(resolved.retryDelay).toEqual({ initial: 10, max: 100 });
  });

  it('refuses timeouts and delays that are not above 0, and a max below the initial delay', () => {
    expect(() => resolveLockerOptions({ acquireTimeout: 0 })).toThrow(/acquireTimeout/);
    expect(() => resolveLockerOptions({ acquireTimeout: Number.NaN })).toThrow(/acquireTimeout/);
    expect(() => resolveLockerOptions({ retryDelay: { initial: -1 } })).toThrow(/retryDelay.initial/);
    expect(() => resolveLockerOptions({ retryDelay: { initial: 50, max: 10 } })).toThrow(/retryDelay.max/);
  });

  it('raises the default max delay to a larger initial delay', () => {
    expect(resolveLockerOptions({ retryDelay: { initial: 500 } }).retryDelay).toEqual({
      initial: 500,
      max: 500,
    });
  });
});
