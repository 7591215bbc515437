import type { Driver } from '../driver.js';

export interface HealthReport {
  ok: boolean;
  /** `read-write` wrote, read and deleted a probe object; `read-only` only read. */
  mode: 'read-write' | 'read-only';
  latencyMs: number;
  /** Why the probe failed, without credentials. */
  error?: string;
}

export interface ProbeOptions {
  /** Aborting ends the probe's requests: a caller that stops waiting leaves nothing hanging. */
  signal?: AbortSignal;
}

/** Drivers that can check that their backend answers, for startup and /server/health. */
export interface HealthProbe {
  probe(options?: ProbeOptions): Promise<HealthReport>;
}

export function hasHealthProbe<D extends Driver>(driver: D): driver is D & HealthProbe {
  return typeof (driver as Partial<HealthProbe>).probe === 'function';
}
