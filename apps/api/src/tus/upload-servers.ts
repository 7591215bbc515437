import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasFreeSpace, hasResumableUploads } from '@stowage/storage';
import { Budget, TusServer } from '@stowage/tus-extensions';
import { type DataStore, ERRORS, EVENTS, type Locker, type Upload } from '@tus/utils';
import type { FastifyBaseLogger } from 'fastify';
import type { ApiEnv } from '../config/env.js';
import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import type { UploadPartials } from '../db/upload-partials.js';
import { cleanFilename, cleanMediaType, TITLE_MAX_LENGTH } from '../files/names.js';
import { uploadingFileRecord } from '../files/new-file-record.js';
import { uploadTokenHash } from '../http/auth.js';
import type { Locations } from '../locations.js';
import { meterWrites } from '../metrics/metered-store.js';
import type { Metrics } from '../metrics/metrics.js';
import { answerFor, tusAnswer } from './answers.js';
import { TUS_PATH, TUS_REQUEST_HEADERS, TUS_RESPONSE_HEADERS } from './protocol.js';
import { type StoreView, viewInStore } from './store-view.js';
import { UploadCompletion } from './upload-completion.js';

export interface UploadServersOptions {
  env: ApiEnv;
  storage: Locations;
  records: FileRecords;
  partials: UploadPartials;
  log: FastifyBaseLogger;
  metrics: Metrics;
  /** Keeps the requests of one upload apart, across instances when it is a distributed one. */
  locker: Locker;
  /** Records `uploading` that belong to another kind of upload (direct uploads): never settled here. */
  ownedElsewhere(id: string): Promise<boolean>;
}

/** The Node request behind the web Request that @tus/server hands its hooks (srvx keeps it). */
const nodeRequestOf = (req: Request) =>
  (req as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;

/**
 * One tus server per location whose driver takes resumable uploads, each on its
 * driver's DataStore. An upload's id is the id of its file record. The store decides
 * whether bytes exist; the record follows: created with the upload (and removed again
 * when the creation fails), its offset recorded after each PATCH, and completed from
 * every path that finds the upload finished in its store (see `settle`).
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
  private readonly ownedElsewhere: (id: string) => Promise<boolean>;
  private readonly completion: UploadCompletion;
  /** The id chosen for a creation request, before @tus/server names the upload. */
  private readonly creations = new WeakMap<IncomingMessage, string>();
  /** Ids whose record (or partial row) was inserted by a creation request still running. */
  private readonly recorded = new Set<string>();

  constructor(options: UploadServersOptions) {
    const { env, storage, records, partials, log, metrics } = options;
    this.env = env;
    this.storage = storage;
    this.records = records;
    this.partials = partials;
    this.log = log;
    this.writeSlots = new Budget(env.TUS_CONCURRENT_WRITES);
    this.locker = options.locker;
    this.ownedElsewhere = options.ownedElsewhere;
    this.completion = new UploadCompletion({
      storage,
      records,
      partials,
      log,
      storeOf: (location) => this.servers.get(location)?.datastore,
    });
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
   * Serves one tus request. A creation that does not answer 201 leaves nothing: its
   * record and whatever the store made (state, multipart upload, bytes) are removed
   * before the answer goes out (onResponseError), so a client that never got a Location
   * cannot leave an upload nobody will finish.
   */
  async handle(server: TusServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.headers['x-http-method-override'] !== undefined) {
      await server.handle(req, res);
      return;
    }
    const id = randomUUID();
    this.creations.set(req, id);
    try {
      await server.handle(req, res);
    } finally {
      if (res.statusCode === 201) this.recorded.delete(id);
      else await this.rollBack(server.datastore, id);
    }
  }

  /**
   * The record, brought in line with the store: completed when the upload is finished
   * there, its offset updated while it is not. Errors are the store's (it may be down).
   */
  async settle(file: FileRow): Promise<FileRow> {
    if (file.upload_status !== 'uploading') return file;
    const view = await this.inspect(file);
    if (view?.state === 'complete') return (await this.completion.complete(file)) ?? file;
    if (view?.state === 'receiving' && view.offset !== file.upload_offset) {
      await this.records.recordProgress(file.id, view.offset);
      return { ...file, upload_offset: view.offset };
    }
    return file;
  }

  /** What the upload's store says of it; undefined for a location without resumable uploads, or an upload that is no TUS upload. */
  async inspect(file: FileRow): Promise<StoreView | undefined> {
    const server = this.servers.get(file.storage);
    if (!server || (await this.ownedElsewhere(file.id))) return undefined;
    return viewInStore(server.datastore, this.storage.location(file.storage), file);
  }

  /** Completes the record of an upload its store reports complete (see UploadCompletion). */
  complete(file: FileRow): Promise<FileRow | undefined> {
    return this.completion.complete(file);
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

  /** The store's own expiry of unfinished uploads (never of finished ones); how many it removed. */
  async expire(location: string): Promise<number> {
    const server = this.servers.get(location);
    if (!server?.datastore.hasExtension('expiration')) return 0;
    return server.cleanUpExpiredUploads();
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
      namingFunction: (req) => {
        const node = nodeRequestOf(req);
        return (node && this.creations.get(node)) ?? randomUUID();
      },
      // The id is the path's last segment: @tus/server would take a query (`?access_token=`) along.
      getFileIdFromRequest: (req) => new URL(req.url).pathname.split('/').pop(),
      ...(publicUrl && { generateUrl: (_req, { path, id }) => `${publicUrl}${path}/${id}` }),
      allowedOrigins: env.CORS_ORIGIN === '*' ? undefined : env.CORS_ORIGIN.split(','),
      allowedHeaders: TUS_REQUEST_HEADERS,
      exposedHeaders: TUS_RESPONSE_HEADERS,
      disableTerminationForFinishedUploads: true,
      postReceiveInterval: 1000,
      onIncomingRequest: async (req, id) => {
        // A client told "every byte is here" stops: the record must be complete by then. Only
        // HEAD: this runs before the upload's lock, and a PATCH must see its upload as of the
        // lock (it completes the record itself, onUploadFinish, when it ends the upload).
        if (req.method === 'HEAD') await this.settleById(id);
      },
      onUploadCreate: async (req, upload) => {
        await this.checkCreation(location, upload);
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
        this.recorded.add(upload.id);
        return {};
      },
      onUploadFinish: async (_req, upload) => {
        if (await partials.get(upload.id)) return {};
        const file = await this.completion.complete({
          id: upload.id,
          storage: location,
          filename_disk: upload.id,
        });
        if (!file) throw tusAnswer(410, 'The file of this upload was deleted meanwhile');
        return {};
      },
      onResponseError: async (req, error) => {
        const node = nodeRequestOf(req);
        const creation = req.method === 'POST' && node ? this.creations.get(node) : undefined;
        if (creation) await this.rollBack(datastore, creation);
        return answerFor(location, error, this.log);
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

  /** Refuses what cannot succeed before anything is created: an overlong title, more bytes than the disk has. */
  private async checkCreation(location: string, upload: Upload): Promise<void> {
    const title = upload.metadata?.title;
    if (title && title.length > TITLE_MAX_LENGTH) {
      throw tusAnswer(400, `The title is longer than ${TITLE_MAX_LENGTH} characters`);
    }
    const driver = this.storage.location(location);
    if (upload.size !== undefined && hasFreeSpace(driver)) {
      const free = await driver.freeSpace();
      if (upload.size > free) {
        throw tusAnswer(
          507,
          `Storage location "${location}" has ${free} bytes free; the upload needs ${upload.size}`,
        );
      }
    }
  }

  private async settleById(id: string): Promise<void> {
    const file = await this.records.get(id);
    if (file) await this.settle(file);
  }

  /** Removes what a failed creation made, once (only if its record or partial row was inserted). */
  private async rollBack(datastore: DataStore, id: string): Promise<void> {
    if (!this.recorded.delete(id)) return;
    try {
      await this.records.delete(id);
      await this.partials.delete([id]);
      await datastore.remove(id).catch((error: unknown) => {
        const status = (error as { status_code?: unknown } | null)?.status_code;
        if (status !== 404 && status !== 410) throw error;
      });
    } catch (error) {
      // The janitor removes it once abandoned (the store down, the record never committed).
      this.log.warn({ err: error, id }, 'a failed upload creation left state behind');
    }
  }
}

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
