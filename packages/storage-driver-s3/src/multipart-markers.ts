import { randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandOutput,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  type MultipartUpload,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isNotFound } from './errors.js';
import { listObjects } from './list-objects.js';
import { listParts } from './list-parts.js';

type SendOptions = Parameters<S3Client['send']>[1];

/** Whether something other than the write that started it keeps a multipart upload on purpose (a resumable upload). */
export type KeepsMultipartUpload = (key: string, uploadId: string) => Promise<boolean>;

interface Started {
  marker: string;
  key: string;
  uploadId?: string;
}

/**
 * Every multipart upload a location starts is announced first by a marker object under
 * its reserved folder, holding the upload's key: the janitor can then tell this
 * location's multipart uploads from any other of the bucket, and abort those whose
 * writer died (a killed process, an outage during the abort). A write removes its
 * markers once its uploads are completed or aborted; a marker whose abort failed stays
 * for the sweep to finish.
 */
export class MultipartMarkers {
  /** Upload ids of multipart uploads in flight in this process: never swept. */
  private readonly live = new Set<string>();

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    /** `<root>.stowage/multipart/` */
    private readonly folder: string,
  ) {}

  /**
   * Runs `work` with a client whose CreateMultipartUpload first leaves a marker. When
   * `work` fails, the multipart uploads it started are aborted at once (whatever
   * lib-storage or the caller did) and their markers removed; when it succeeds, the
   * markers go and the uploads are the caller's (completed, or kept by a resumable upload).
   */
  async track<T>(work: (client: S3Client) => Promise<T>): Promise<T> {
    const started: Started[] = [];
    const send = ((command: Parameters<S3Client['send']>[0], options?: SendOptions) =>
      command instanceof CreateMultipartUploadCommand
        ? this.create(command, options, started)
        : this.client.send(command, options as SendOptions)) as S3Client['send'];
    const client = new Proxy(this.client, {
      get: (target, property, receiver) =>
        property === 'send' ? send : Reflect.get(target, property, receiver),
    });
    try {
      const result = await work(client);
      await this.removeMarkers(started);
      return result;
    } catch (error) {
      await this.abortStarted(started);
      throw error;
    } finally {
      for (const { uploadId } of started) if (uploadId) this.live.delete(uploadId);
    }
  }

  /**
   * Aborts the multipart uploads of markers idle for `idleFor` whose uploads saw no part
   * for as long, and removes those markers; answers how many uploads and markers went.
   */
  async sweep(idleFor: number, keeps: KeepsMultipartUpload): Promise<number> {
    const now = Date.now();
    let removed = 0;
    for await (const object of listObjects(this.client, this.bucket, this.folder)) {
      // A young marker may be a write about to create its upload in another process.
      if (now - (object.LastModified?.getTime() ?? now) < idleFor) continue;
      const key = await this.markedKey(object.Key!);
      let settled = true;
      for (const upload of key === undefined ? [] : await this.uploadsOf(key)) {
        const { UploadId } = upload as { UploadId: string };
        const lastActivity = this.live.has(UploadId) ? now : await this.lastActivity(upload);
        // Gone meanwhile (completed or aborted by its writer): nothing to do.
        if (lastActivity === undefined) continue;
        if (lastActivity >= now - idleFor) settled = false;
        else if (!(await keeps(key!, UploadId))) {
          await this.abort(key!, UploadId);
          removed++;
        }
      }
      if (settled) {
        await this.deleteMarker(object.Key!);
        removed++;
      }
    }
    return removed;
  }

  private async create(
    command: CreateMultipartUploadCommand,
    options: SendOptions | undefined,
    started: Started[],
  ): Promise<CreateMultipartUploadCommandOutput> {
    const entry: Started = { marker: `${this.folder}${randomUUID()}`, key: command.input.Key! };
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: entry.marker,
        Body: JSON.stringify({ key: entry.key }),
        ContentType: 'application/json',
      }),
    );
    started.push(entry);
    const output = await this.client.send(command, options as SendOptions);
    entry.uploadId = output.UploadId;
    if (output.UploadId) this.live.add(output.UploadId);
    return output;
  }

  /** Best effort: a marker left behind (the backend failed meanwhile) is swept once idle. */
  private async removeMarkers(started: Started[]): Promise<void> {
    await Promise.all(started.map(({ marker }) => this.deleteMarker(marker).catch(() => {})));
  }

  private async abortStarted(started: Started[]): Promise<void> {
    await Promise.all(
      started.map(async ({ marker, key, uploadId }) => {
        // No upload id: CreateMultipartUpload may have gone through unanswered; the sweep decides.
        if (uploadId === undefined) return;
        try {
          await this.abort(key, uploadId);
          await this.deleteMarker(marker);
        } catch {
          // The backend is failing too: the marker stays, and the sweep aborts the upload later.
        }
      }),
    );
  }

  private async abort(Key: string, UploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private async deleteMarker(Key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
  }

  /** The key a marker announces; undefined when the marker is gone or unreadable (not ours). */
  private async markedKey(marker: string): Promise<string | undefined> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: marker }));
      const { key } = JSON.parse(await Body!.transformToString()) as { key?: unknown };
      return typeof key === 'string' ? key : undefined;
    } catch (error) {
      if (isNotFound(error) || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  /** The multipart uploads of exactly this key. */
  private async uploadsOf(key: string): Promise<MultipartUpload[]> {
    const uploads: MultipartUpload[] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: key, KeyMarker, UploadIdMarker }),
      );
      uploads.push(...(page.Uploads ?? []).filter((upload) => upload.Key === key));
      [KeyMarker, UploadIdMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextUploadIdMarker] : [];
    } while (KeyMarker !== undefined);
    return uploads;
  }

  /** When the upload last saw a part (or was initiated); undefined once it is gone. */
  private async lastActivity(upload: MultipartUpload): Promise<number | undefined> {
    let latest = upload.Initiated?.getTime() ?? 0;
    try {
      const parts = listParts(this.client, {
        bucket: this.bucket,
        key: upload.Key!,
        uploadId: upload.UploadId,
      });
      for await (const part of parts) latest = Math.max(latest, part.LastModified?.getTime() ?? 0);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return latest;
  }
}
