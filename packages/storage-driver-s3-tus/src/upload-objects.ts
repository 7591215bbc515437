import { type _Object, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { listObjects, statusOf } from '@stowage/storage-driver-s3';
import type { S3Location } from './location.js';

/** What is kept of an upload in S3, next to it: the truth for any process that resumes it. */
export interface UploadState {
  id: string;
  /** The S3 key of the finished object. */
  key: string;
  /** Absent for an empty upload, which is stored whole at creation. */
  multipartUploadId?: string;
  /** Undefined while the length is deferred. */
  size?: number;
  /**
   * The plan's part size: every part but the last has it, except where a PATCH's last
   * bytes made its last part longer or shorter (see PartWriter), as `progress.end` records.
   */
  partSize: number;
  metadata?: Record<string, string | null>;
  creationDate: string;
  completed: boolean;
  /**
   * What acknowledged requests stored. Absent in states written before it was kept:
   * those are read from S3's parts once (see OpenUpload.readLegacyProgress).
   */
  progress?: Progress;
  /** SHA-256 (hex) of the finished object, when the store saw every byte arrive. */
  sha256?: string;
  /** Set on uploads that take part in concatenation (Upload-Concat). */
  concat?: { kind: 'partial' } | { kind: 'final'; partials: string[] };
}

/** The acknowledged part of an upload: whole planned parts from the first, then a remainder. */
export interface Progress {
  /** Parts 1 to `parts` are stored. */
  parts: number;
  /** Bytes of parts 1 to `parts`; absent (states written before parts could differ from the plan): `parts` planned parts. */
  end?: number;
  /** The bytes after the last whole part, starting where it ends. */
  remainder?: Remainder;
  /** The SHA-256 state after every acknowledged byte (ContentDigest.save()), absent when a byte went unseen. */
  digest?: string;
}

/** Bytes received past the last whole part, kept as their own object until a part is full. */
export interface Remainder {
  key: string;
  /** Offset of its first byte: always the end of a whole part. */
  start: number;
  end: number;
}

const STATE_NAME = 'state.json';
const REMAINDER = /\/remainder-(\d+)-(\d+)$/;

/** The S3 objects of one upload under `.stowage/tus/<id>/`. */
export class UploadObjects {
  readonly prefix: string;

  constructor(
    private readonly location: S3Location,
    readonly id: string,
  ) {
    this.prefix = location.internalKey(`tus/${id}/`);
  }

  /** The folder holding every upload's objects, for expiry. */
  static root(location: S3Location): string {
    return location.internalKey('tus/');
  }

  static isStateKey(key: string): boolean {
    return key.endsWith(`/${STATE_NAME}`);
  }

  get stateKey(): string {
    return `${this.prefix}${STATE_NAME}`;
  }

  /** Where a partial upload's bytes are completed: no file of the location until they are joined. */
  get partialKey(): string {
    return `${this.prefix}partial`;
  }

  /**
   * The state and its ETag; `unchanged` when it still has the ETag `known` (a 304: a
   * request without a body, which is what makes revalidating on every request cheap).
   */
  async readState(known?: string): Promise<{ state: UploadState; etag: string } | 'unchanged'> {
    try {
      const { Body, ETag } = await this.location.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.stateKey, IfNoneMatch: known }),
      );
      return { state: JSON.parse(await Body!.transformToString()) as UploadState, etag: ETag! };
    } catch (error) {
      if (known !== undefined && statusOf(error) === 304) return 'unchanged';
      throw error;
    }
  }

  /** Answers the new state's ETag. */
  async writeState(state: UploadState): Promise<string> {
    return this.put(this.stateKey, Buffer.from(JSON.stringify(state)));
  }

  async readRemainder(remainder: Remainder): Promise<Buffer> {
    const { Body } = await this.location.client.send(
      new GetObjectCommand({ Bucket: this.location.bucket, Key: remainder.key }),
    );
    const bytes = Buffer.from(await Body!.transformToByteArray());
    if (bytes.length !== remainder.end - remainder.start)
      throw new Error(`Remainder ${remainder.key} is truncated`);
    return bytes;
  }

  async writeRemainder(start: number, bytes: Buffer): Promise<Remainder> {
    const remainder = {
      key: `${this.prefix}remainder-${start}-${start + bytes.length}`,
      start,
      end: start + bytes.length,
    };
    await this.put(remainder.key, bytes);
    return remainder;
  }

  /** Every object of the upload but its final object, state included. */
  async list(): Promise<_Object[]> {
    const objects: _Object[] = [];
    for await (const object of listObjects(this.location.client, this.location.bucket, this.prefix))
      objects.push(object);
    return objects;
  }

  async remainders(): Promise<Remainder[]> {
    return (await this.list()).flatMap(({ Key }) => {
      const match = Key ? REMAINDER.exec(Key) : null;
      return match ? [{ key: Key!, start: Number(match[1]), end: Number(match[2]) }] : [];
    });
  }

  async delete(keys: string[]): Promise<void> {
    // One request per key: an upload has a state and a remainder or two, and DeleteObjects
    // needs a checksum header that some providers refuse.
    await Promise.all(
      keys.map((Key) =>
        this.location.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key })),
      ),
    );
  }

  private async put(key: string, body: Buffer): Promise<string> {
    const { ETag } = await this.location.client.send(
      new PutObjectCommand({
        Bucket: this.location.bucket,
        Key: key,
        Body: body,
        ContentLength: body.length,
      }),
    );
    return ETag!;
  }
}
