import type { ApiEnv } from './config/env.js';
import type { Coordination } from './coordination/coordination.js';
import type { FileRecords } from './db/file-records.js';
import type { Auth } from './http/auth.js';
import type { UrlSigner } from './http/url-signer.js';
import type { Janitor } from './janitor/janitor.js';
import type { Locations } from './locations.js';
import type { Metrics } from './metrics/metrics.js';
import type { UploadServers } from './tus/upload-servers.js';

/** What every route module is given. */
export interface AppContext {
  env: ApiEnv;
  storage: Locations;
  records: FileRecords;
  auth: Auth;
  /** Signs what URLs grant (signed asset URLs, direct upload endpoints) with ASSETS_SIGNING_KEY. */
  signer: UrlSigner;
  /** Prometheus metrics; the janitor reports its runs with `metrics.janitorRun(location, result)`. */
  metrics: Metrics;
  /** Absent when TUS_ENABLED=false. */
  uploads: UploadServers | undefined;
  coordination: Coordination;
  /** Cleans every location at start and every TUS_CLEANUP_INTERVAL; more steps may be registered. */
  janitor: Janitor;
}
