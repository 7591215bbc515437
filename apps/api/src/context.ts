import type { ApiEnv } from './config/env.js';
import type { FileRecords } from './db/file-records.js';
import type { Auth } from './http/auth.js';
import type { Janitor } from './janitor/janitor.js';
import type { Locations } from './locations.js';
import type { UploadServers } from './tus/upload-servers.js';

/** What every route module is given. */
export interface AppContext {
  env: ApiEnv;
  storage: Locations;
  records: FileRecords;
  auth: Auth;
  /** Absent when TUS_ENABLED=false. */
  uploads: UploadServers | undefined;
  /** Cleans every location at start and every TUS_CLEANUP_INTERVAL; more steps may be registered. */
  janitor: Janitor;
}
