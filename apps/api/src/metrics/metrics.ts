import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the janitor (expired uploads, stale multipart uploads, temporary files) reports after a run. */
export interface JanitorResult {
  /** What it removed, by kind: `{ multipart_uploads: 2, temp_files: 1 }`. */
  removed?: Record<string, number>;
  /** Items it found but could not remove (left for the next run). */
  failed?: number;
  /** Set when the run as a whole failed. */
  error?: unknown;
}

/** Seconds: from a cached 304 to a multi-GiB transfer. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The API's Prometheus metrics, in a registry of its own (one per app: tests build
 * several in one process). Served by GET /server/metrics; the instrumentation lives
 * beside what it measures (http-metrics.ts, s3-metrics.ts, metered-store.ts).
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'stowage_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status: their duration (the _count is the number of requests)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly httpInFlight = new Gauge({
    name: 'stowage_http_requests_in_flight',
    help: 'HTTP requests being answered, by method and route (POST /files: uploads in progress on this instance)',
    labelNames: ['method', 'route'] as const,
    registers: [this.registry],
  });

  readonly bytesReceived = new Counter({
    name: 'stowage_location_received_bytes_total',
    help: 'Bytes stored into a location by uploads (POST /files and TUS)',
    labelNames: ['location'] as const,
    registers: [this.registry],
  });

  readonly bytesSent = new Counter({
    name: 'stowage_location_sent_bytes_total',
    help: 'Bytes of a location sent to clients (GET /assets)',
    labelNames: ['location'] as const,
    registers: [this.registry],
  });

  readonly s3Requests = new Counter({
    name: 'stowage_s3_requests_total',
    help: 'S3 operations by location and operation (one per SDK command, retries included)',
    labelNames: ['location', 'operation'] as const,
    registers: [this.registry],
  });

  readonly s3Errors = new Counter({
    name: 'stowage_s3_request_errors_total',
    help: 'S3 operations that failed, by location, operation and error name (NoSuchKey counts too)',
    labelNames: ['location', 'operation', 'error'] as const,
    registers: [this.registry],
  });

  readonly s3Duration = new Histogram({
    name: 'stowage_s3_request_duration_seconds',
    help: 'S3 operations by location and operation: their duration up to the response headers',
    labelNames: ['location', 'operation'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly janitorRuns = new Counter({
    name: 'stowage_janitor_runs_total',
    help: 'Janitor runs by location and outcome (ok, error)',
    labelNames: ['location', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly janitorRemoved = new Counter({
    name: 'stowage_janitor_removed_total',
    help: 'What the janitor removed, by location and kind',
    labelNames: ['location', 'kind'] as const,
    registers: [this.registry],
  });

  readonly janitorFailed = new Counter({
    name: 'stowage_janitor_failed_total',
    help: 'Items the janitor could not remove, by location',
    labelNames: ['location'] as const,
    registers: [this.registry],
  });

  readonly janitorLastRun = new Gauge({
    name: 'stowage_janitor_last_run_timestamp_seconds',
    help: 'When the janitor last ran on a location (Unix time)',
    labelNames: ['location'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose value is read when scraped (from the database, shared by every instance). */
  gaugeOnScrape(
    name: string,
    help: string,
    labelName: string,
    read: () => Promise<Record<string, number>>,
  ): void {
    new Gauge({
      name,
      help,
      labelNames: [labelName],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [label, value] of Object.entries(await read())) this.set({ [labelName]: label }, value);
      },
    });
  }

  /** For the janitor: call once per location after each run. */
  janitorRun(location: string, result: JanitorResult): void {
    this.janitorRuns.inc({ location, outcome: result.error === undefined ? 'ok' : 'error' });
    for (const [kind, count] of Object.entries(result.removed ?? {})) {
      if (count > 0) this.janitorRemoved.inc({ location, kind }, count);
    }
    if (result.failed) this.janitorFailed.inc({ location }, result.failed);
    this.janitorLastRun.set({ location }, Date.now() / 1000);
  }
}
