import { hasResumableUploads } from '@stowage/storage';
import { Server } from '@tus/server';
import { type DataStore, EVENTS, type Upload } from '@tus/utils';
import type { FastifyBaseLogger } from 'fastify';
import type { ApiEnv } from '../config/env.js';
import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import { measureStored } from '../files/file-bytes.js';
import { cleanFilename, cleanMediaType } from '../files/names.js';
import { uploadingFileRecord } from '../files/new-file-record.js';
import { bearerTokenHash } from '../http/auth.js';
import type { Locations } from '../locations.js';
import { meterWrites } from '../metrics/metered-store.js';
import type { Metrics } from '../metrics/metrics.js';
import { TUS_PATH, TUS_REQUEST_HEADERS, TUS_RESPONSE_HEADERS } from './protocol.js';

export interface UploadServersOptions {
  env: ApiEnv;
  storage: Locations;
  records: FileRecords;
  log: FastifyBaseLogger;
  metrics: Metrics;
}

/**
 * One tus server per location whose driver takes resumable uploads, each on its
 * driver's DataStore. An upload's id is the id of its file record: the record is created
 * with the upload (status `uploading`) and completed when the last byte arrives.
 */
export class UploadServers {
  private readonly servers = new Map<string, Server>();
  private readonly env: ApiEnv;
  private readonly storage: Locations;
  private readonly records: FileRecords;
  private readonly log: FastifyBaseLogger;

  constructor({ env, storage, records, log, metrics }: UploadServersOptions) {
    this.env = env;
    this.storage = storage;
    this.records = records;
    this.log = log;
    for (const name of storage.locationNames) {
      const driver = storage.location(name);
      if (hasResumableUploads(driver)) {
        const store = meterWrites(driver.createResumableUploadStore() as DataStore, (bytes) =>
          metrics.bytesReceived.inc({ location: name }, bytes),
        );
        this.servers.set(name, this.createServer(name, store));
      }
    }
  }

  get locationNames(): string[] {
    return [...this.servers.keys()];
  }

  serverFor(location: string): Server | undefined {
    return this.servers.get(location);
  }

  /** Ends an unfinished upload's state in its store (its record is already gone). */
  async discard(file: FileRow): Promise<void> {
    await this.servers.get(file.storage)?.datastore.remove(file.id);
  }

  /** The stores' own expiry, then records of uploads idle for longer than TUS_UPLOAD_EXPIRATION. */
  async cleanUp(): Promise<void> {
    for (const [name, server] of this.servers) {
      if (server.datastore.hasExtension('expiration')) {
        await server
          .cleanUpExpiredUploads()
          .catch((error) => this.log.warn({ err: error, location: name }, 'tus cleanup failed'));
      }
    }
    const before = new Date(Date.now() - this.env.TUS_UPLOAD_EXPIRATION).toISOString();
    for (const file of await this.records.staleUploads(before)) {
      if (await this.records.delete(file.id)) {
        await this.discard(file).catch((error) =>
          this.log.warn({ err: error, id: file.id }, 'stale upload left behind'),
        );
      }
    }
  }

  private createServer(location: string, datastore: DataStore): Server {
    const { env, records } = this;
    const publicUrl = env.PUBLIC_URL;
    const server = new Server({
      path: TUS_PATH,
      datastore,
      maxSize: env.FILES_MAX_UPLOAD_SIZE,
      namingFunction: () => crypto.randomUUID(),
      ...(publicUrl && { generateUrl: (_req, { path, id }) => `${publicUrl}${path}/${id}` }),
      allowedOrigins: env.CORS_ORIGIN === '*' ? undefined : env.CORS_ORIGIN.split(','),
      allowedHeaders: TUS_REQUEST_HEADERS,
      exposedHeaders: TUS_RESPONSE_HEADERS,
      disableTerminationForFinishedUploads: true,
      postReceiveInterval: 1000,
      onUploadCreate: async (req, upload) => {
        await records.insert(
          newUploadRecord(location, upload, bearerTokenHash(req.headers.get('authorization'))),
        );
        return {};
      },
      onUploadFinish: async (_req, upload) => {
        await this.complete(location, upload);
        return {};
      },
    });
    server.on(EVENTS.POST_RECEIVE, (_req, upload) => {
      records
        .update(upload.id, { upload_offset: upload.offset, modified_on: new Date().toISOString() })
        .catch((error) => this.log.warn({ err: error }, 'could not record upload progress'));
    });
    server.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
      records
        .delete(id)
        .catch((error) => this.log.warn({ err: error, id }, 'could not delete terminated upload'));
    });
    return server;
  }

  /** The checksum is computed by reading the finished file back once: hash state cannot survive a restart mid-upload. */
  private async complete(location: string, upload: Upload): Promise<void> {
    const measured = await measureStored(this.storage.location(location), upload.id);
    await this.records.update(upload.id, {
      filesize: measured.size,
      checksum: measured.checksum,
      upload_status: 'ready',
      upload_offset: measured.size,
      upload_length: measured.size,
      modified_on: new Date().toISOString(),
    });
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
