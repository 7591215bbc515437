import { createHash } from 'node:crypto';

/**
 * The advisory lock key of an upload id: 64 bits of SHA-256 over the namespace and the
 * id, as PostgreSQL's two-int4 form `pg_try_advisory_lock(int4, int4)`.
 *
 * Why a hash: advisory locks take numbers, ids are strings. Why 64 bits from SHA-256
 * rather than `hashtext()`: computed here, it needs no round trip, and it cannot change
 * with the server (hashtext is internal, 32 bits, and undocumented as stable). Why the
 * two-int4 form: pg_locks shows it with objsubid 2, apart from the single-bigint keys
 * other tools (migration runners) take, so the two can never collide.
 *
 * Collisions: two ids share a lock only when their 64-bit keys are equal, about
 * n² / 2⁶⁵ for n locks held at once (10⁴ held: ~3·10⁻¹²). A collision only ever makes
 * two uploads wait for each other, never lets two requests into one upload, and the
 * waiter's release request then reaches the holder that really blocks it, since
 * requests are addressed by key.
 */
export function advisoryLockKey(namespace: string, id: string): [number, number] {
  const digest = createHash('sha256').update(namespace).update('\0').update(id).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/** The key as text (release requests carry it), and back. */
export function formatKey([high, low]: [number, number]): string {
  return `${high}:${low}`;
}

export function parseKey(key: string): [number, number] {
  const [high, low] = key.split(':').map(Number);
  if (!Number.isInteger(high) || !Number.isInteger(low))
    throw new Error(`Not an advisory lock key: "${key}"`);
  return [high!, low!];
}
