import { hasResumableUploads } from '@stowage/storage';
import { Budget, hasConcatenation, hasContentDigests, TusServer } from '@stowage/tus-extensions';
import { type DataStore, ERRORS, EVENTS, type Locker, type Upload } from '@tus/utils';
import type { FastifyBaseLogger } from 'fastify';
import type { ApiEnv } from '../config/env.js';
import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import type { UploadPartials } from '../db/upload-partials.js';
import { backfillChecksum } from '../files/checksum-backfill.js';
import { cleanFilename, cleanMediaType } from '../files/names.js';
import { readyUploadChanges, uploadingFileRecord } from '../files/new-file-record.js';
import { uploadTokenHash } from '../http/auth.js';
import type { Locations } from '../locations.js';
import { meterWrites } from '../metrics/metered-store.js';
import type { Metrics } from '../metrics/metrics.js';
import { TUS_PATH, TUS_REQUEST_HEADERS, TUS_RESPONSE_HEADERS } from './protocol.js';

export interface UploadServersOptions {
  env: ApiEnv;
  storage: Locations;
  records: FileRecords;
  partials: UploadPartials;
  log: FastifyBaseLogger;
  metrics: Metrics;
  /** Keeps the requests of one upload apart, across instances when it is a distributed one. */
  locker: Locker;
}

/**
 * One tus server per location whose driver takes resumable uploads, each on its
 * driver's DataStore. An upload's id is the id of its file record: the record is created
 * with the upload (status `uploading`) and completed when the last byte arrives.
 */
export class UploadServers {
  private readonly servers = new Map<string, TusServer>();
  private readonly env: ApiEnv;
  private readonly storage: Locations;
  private readonly records: FileRecords;
  readonly partials: UploadPartials;
  private readonly log: FastifyBaseLogger;
  /** TUS_CONCURRENT_WRITES, shared by the servers of every location: the process's memory is one. */
  private readonly writeSlots: Budget;
  private readonly locker: Locker;

  constructor({ env, storage, records, partials, log, metrics, locker }: UploadServersOptions) {
    this.env = env;
    this.storage = storage;
    this.records = records;
    this.partials = partials;
    this.log = log;
    this.writeSlots = new Budget(env.TUS_CONCURRENT_WRITES);
    this.locker = locker;
    for (const name of storage.locationNames) {
      const driver = storage.location(name);
      if (hasResumableUploads(driver)) {
        const store = meterWrites(driver.createResumableUploadStore() as DataStore, (written) => {
          metrics.bytesReceived.inc({ location: name }, written.bytes);
          return this.recordProgress(written.id, written.offset);
        });
        this.servers.set(name, this.createServer(name, store));
      }
    }
  }

  get locationNames(): string[] {
    return [...this.servers.keys()];
  }

  serverFor(location: string): TusServer | undefined {
    return this.servers.get(location);
  }

  /**
   * Ends an unfinished upload's state in its store (its record is already gone). State
   * that is gone already (expired, or removed by another instance) is what was wanted.
   */
  async discard(file: FileRow): Promise<void> {
    await this.servers
      .get(file.storage)
      ?.datastore.remove(file.id)
      .catch((error: unknown) => {
        if (error !== ERRORS.FILE_NOT_FOUND) throw error;
      });
  }

  /**
   * The stores' own expiry, then records of uploads idle for longer than
   * TUS_UPLOAD_EXPIRATION. Run by one instance at a time (the janitor lease), and
   * harmless if two ever overlap: a record is deleted by one caller only, and only that
   * caller discards its state.
   */
  async cleanUp(): Promise<void> {
    for (const [name, server] of this.servers) {
      if (server.datastore.hasExtension('expiration')) {
        await server.cleanUpExpiredUploads().then(
          (removed) => removed > 0 && this.log.info({ location: name, removed }, 'expired uploads removed'),
          (error) => this.log.warn({ err: error, location: name }, 'tus cleanup failed'),
        );
      }
    }
    const before = new Date(Date.now() - this.env.TUS_UPLOAD_EXPIRATION).toISOString();
    for (const file of await this.records.staleUploads(before)) {
      if (await this.records.delete(file.id)) {
        this.log.info({ id: file.id, location: file.storage }, 'stale upload removed');
        await this.discard(file).catch((error) =>
          this.log.warn({ err: error, id: file.id }, 'stale upload left behind'),
        );
      }
    }
    // Partials never joined: their stores expire them (created before `before`, so surely expired).
    await this.partials.deleteCreatedBefore(before);
    for (const file of await this.records.readyWithoutChecksum(CHECKSUMS_PER_CLEANUP)) {
      await backfillChecksum(this.storage, this.records, file, this.log);
    }
  }

  /**
   * The record follows the upload's progress, whichever instance took the PATCH (and
   * its staleness counts from the last byte). A failure costs only a stale figure.
   */
  private async recordProgress(id: string, offset: number): Promise<void> {
    await this.records
      .recordProgress(id, offset)
      .catch((error) => this.log.warn({ err: error, id }, 'could not record upload progress'));
  }

  private createServer(location: string, datastore: DataStore): TusServer {
    const { env, records, partials } = this;
    const publicUrl = env.PUBLIC_URL;
    const server = new TusServer({
      path: TUS_PATH,
      datastore,
      writeSlots: this.writeSlots,
      locker: this.locker,
      maxSize: env.FILES_MAX_UPLOAD_SIZE,
      namingFunction: () => crypto.randomUUID(),
      // The id is the path's last segment: @tus/server would take a query (`?access_token=`) along.
      getFileIdFromRequest: (req) => new URL(req.url).pathname.split('/').pop(),
      ...(publicUrl && { generateUrl: (_req, { path, id }) => `${publicUrl}${path}/${id}` }),
      allowedOrigins: env.CORS_ORIGIN === '*' ? undefined : env.CORS_ORIGIN.split(','),
      allowedHeaders: TUS_REQUEST_HEADERS,
      exposedHeaders: TUS_RESPONSE_HEADERS,
      disableTerminationForFinishedUploads: true,
      postReceiveInterval: 1000,
      onUploadCreate: async (req, upload) => {
        const tokenHash = uploadTokenHash(req);
        // A partial upload is no file: it is only routed and owned until a final upload joins it.
        if (req.headers.get('upload-concat')?.trim() === 'partial') {
          const created_on = new Date().toISOString();
          await partials.insert({
            id: upload.id,
            storage: location,
            upload_token_hash: tokenHash,
            created_on,
          });
        } else {
          await records.insert(newUploadRecord(location, upload, tokenHash));
        }
        return {};
      },
      onUploadFinish: async (_req, upload) => {
        await this.complete(location, upload);
        return {};
      },
    });
    // During a long PATCH too, not only at its end.
    server.on(EVENTS.POST_RECEIVE, (_req, upload) => void this.recordProgress(upload.id, upload.offset));
    server.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
      records
        .delete(id)
        .catch((error) => this.log.warn({ err: error, id }, 'could not delete terminated upload'));
    });
    return server;
  }

  /**
   * The record follows the finished upload: its size, and the SHA-256 the store computed
   * as the bytes arrived. A final upload of a concatenation has none (SHA-256 cannot be
   * chained from its partials'): it is ready at once and its checksum is filled by
   * reading it once, after the client was answered.
   */
  private async complete(location: string, upload: Upload): Promise<void> {
    const store = this.servers.get(location)!.datastore;
    const size = upload.size ?? upload.offset;
    const checksum = hasContentDigests(store) ? await store.contentDigest(upload.id) : undefined;
    const file = await this.records.update(
      upload.id,
      readyUploadChanges({ size, checksum: checksum ?? null }),
    );
    // A partial upload has no record; a final one's partials are joined and gone.
    if (file === undefined) return;
    if (hasConcatenation(store)) {
      const role = await store.describeConcat(upload.id);
      if (role.kind === 'final') await this.partials.delete(role.partials);
    }
    if (checksum === undefined) void backfillChecksum(this.storage, this.records, file, this.log);
  }
}

/** Files whose checksum is filled per cleanup run (each costs a read of the file). */
const CHECKSUMS_PER_CLEANUP = 20;

function newUploadRecord(location: string, upload: Upload, tokenHash: string | null): FileRow {
  const metadata = upload.metadata ?? {};
  const filename = cleanFilename(metadata.filename ?? undefined) ?? upload.id;
  return uploadingFileRecord(
    {
      id: upload.id,
      storage: location,
      // The store keeps the finished upload under its id: no extension for resumable uploads.
      filenameDisk: upload.id,
      filenameDownload: filename,
      title: metadata.title,
      type: cleanMediaType(metadata.filetype ?? metadata.type) ?? 'application/octet-stream',
    },
    { length: upload.size, tokenHash },
  );
}
