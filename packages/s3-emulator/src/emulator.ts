import { setTimeout as sleep } from 'node:timers/promises';
import { errorOf, type Fault, FaultPlan, type InjectedFault } from './faults.js';
import { startListening, stopListening } from './interception.js';
import { operationOf, type S3Operation, s3Operations } from './operation.js';
import type { EmulatorLimits } from './operations/context.js';
import { operationHandlers } from './operations/index.js';
import { md5Etag } from './operations/object-attributes.js';
import { type ProviderName, type ProviderProfile, providerProfiles } from './profiles.js';
import { isAwsChunked, RequestBody } from './request-body.js';
import { requestTarget } from './request-target.js';
import { errorResponse, resetConnection, truncatedResponse } from './responses.js';
import { invalidArgument, notImplemented, S3Error } from './s3-error.js';
import { type ObjectAttributes, Store, type StoredObject } from './store.js';

export interface S3EmulatorOptions {
  /** A named provider profile, or a custom one (spread a named one and change flags). Default `aws`. */
  profile?: ProviderName | ProviderProfile;
  /** Where the emulator answers; only this host (and its `bucket.` subdomains) is intercepted. */
  endpoint?: string;
  /** Smallest non-last multipart part; default 5 MiB. Lower it to test uploads of many parts. */
  minPartSize?: number;
  /** Largest object; default 5 TiB. */
  maxObjectSize?: number;
  /** Largest CopyObject source; default 5 GiB. Lower it to make a driver use UploadPartCopy. */
  maxCopySize?: number;
}

/** What an S3Client needs to talk to the emulator (spread it into the client's configuration). */
export interface EmulatorClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
}

/** A stored object as tests inspect it. */
export type EmulatedObject = Readonly<StoredObject> & { readonly size: number };

/** A multipart upload in progress, as tests inspect it. */
export interface EmulatedUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: Date;
  readonly attributes: Readonly<ObjectAttributes>;
  readonly parts: readonly { partNumber: number; size: number; etag: string }[];
}

const MiB = 1024 * 1024;

/** An in-memory S3 reached through the real AWS SDK: msw intercepts the SDK's HTTP requests. */
export class S3Emulator {
  readonly profile: ProviderProfile;
  readonly endpoint: string;
  readonly limits: EmulatorLimits;
  private readonly host: string;
  private readonly store = new Store();
  private readonly faults = new FaultPlan();
  private counts = new Map<S3Operation, number>();
  private listening = false;

  constructor(options: S3EmulatorOptions = {}) {
    const profile = options.profile ?? 'aws';
    this.profile = typeof profile === 'string' ? providerProfiles[profile] : profile;
    if (!this.profile) throw new Error(`Unknown S3 provider profile: ${String(profile)}`);
    const endpoint = new URL(options.endpoint ?? 'http://s3.emulator.test');
    this.endpoint = endpoint.origin;
    this.host = endpoint.host.toLowerCase();
    this.limits = {
      minPartSize: options.minPartSize ?? 5 * MiB,
      maxObjectSize: options.maxObjectSize ?? 5 * 1024 * 1024 * MiB,
      maxCopySize: options.maxCopySize ?? 5 * 1024 * MiB,
    };
  }

  get clientConfig(): EmulatorClientConfig {
    return {
      endpoint: this.endpoint,
      region: this.profile.region,
      credentials: { accessKeyId: 'emulator-access-key', secretAccessKey: 'emulator-secret-key' },
      forcePathStyle: true,
    };
  }

  /**
   * Starts intercepting requests to the endpoint. Call it before the first request of a client:
   * the SDK's HTTP handler picks node:http's `request` when it sends its first request.
   */
  listen(): this {
    if (!this.listening) startListening(this.host, (request) => this.handle(request));
    this.listening = true;
    return this;
  }

  close(): void {
    if (this.listening) stopListening(this.host);
    this.listening = false;
  }

  createBucket(name: string): this {
    this.store.createBucket(name);
    return this;
  }

  /** Stores an object directly, to arrange a test (no request is counted). */
  putObject(
    bucket: string,
    key: string,
    body: Buffer | string,
    attributes: Partial<ObjectAttributes> = {},
  ): void {
    const bytes = Buffer.from(body);
    this.store.bucket(bucket).put(key, {
      contentType: 'binary/octet-stream',
      cacheControl: undefined,
      contentDisposition: undefined,
      contentEncoding: undefined,
      metadata: {},
      acl: 'private',
      sse: undefined,
      kmsKeyId: undefined,
      ...attributes,
      body: bytes,
      etag: md5Etag(bytes),
      lastModified: new Date(),
      partsCount: undefined,
    });
  }

  object(bucket: string, key: string): EmulatedObject | undefined {
    const object = this.store.buckets.get(bucket)?.objects.get(key);
    return object && { ...object, metadata: { ...object.metadata }, size: object.body.length };
  }

  /** The bucket's keys in S3 list order. */
  keys(bucket: string): string[] {
    return [...this.store.bucket(bucket).keys()];
  }

  multipartUploads(bucket: string): EmulatedUpload[] {
    return [...this.store.bucket(bucket).uploads.values()].map((upload) => ({
      key: upload.key,
      uploadId: upload.uploadId,
      initiated: upload.initiated,
      attributes: { ...upload.attributes },
      parts: [...upload.parts.values()]
        .sort((a, b) => a.partNumber - b.partNumber)
        .map((part) => ({ partNumber: part.partNumber, size: part.body.length, etag: part.etag })),
    }));
  }

  /** Requests received per operation since the start or the last reset (faulted ones included). */
  requestCounts(): Record<S3Operation, number> {
    return Object.fromEntries(
      s3Operations.map((operation) => [operation, this.counts.get(operation) ?? 0]),
    ) as Record<S3Operation, number>;
  }

  /** Requests received for these operations (all operations when none is given). */
  requestCount(...operations: S3Operation[]): number {
    const counted: readonly S3Operation[] = operations.length > 0 ? operations : s3Operations;
    return counted.reduce((sum, operation) => sum + (this.counts.get(operation) ?? 0), 0);
  }

  resetRequestCounts(): void {
    this.counts = new Map();
  }

  /** Disturbs the next matching request(s); see {@link Fault}. */
  inject(fault: Fault): InjectedFault {
    return this.faults.inject(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const { bucket, key } = requestTarget(url, this.host, this.profile.virtualHostStyle);
    const operation = operationOf(request.method, bucket, key, url.searchParams, request.headers);
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);

    const body = new RequestBody(request);
    const partNumber = url.searchParams.has('partNumber')
      ? Number(url.searchParams.get('partNumber'))
      : undefined;
    const fault = this.faults.take({ operation, key, partNumber });
    if (fault?.fault === 'delay') await sleep(fault.ms);
    if (fault?.fault === 'reset') return resetConnection(request);
    try {
      const faultError = errorOf(fault);
      if (faultError) throw faultError;
      this.checkAuthorization(request, url, operation, bucket, key);
      this.checkProviderHeaders(request.headers);
      // As S3 does, a missing bucket is reported before anything the operation itself checks.
      if (bucket !== undefined && operation !== 'CreateBucket') this.store.bucket(bucket);
      if (operation === 'Unsupported') {
        throw notImplemented('A request you provided implies functionality that is not implemented');
      }
      const response = await operationHandlers[operation]({
        store: this.store,
        profile: this.profile,
        limits: this.limits,
        bucket: bucket as string,
        key: key as string,
        query: url.searchParams,
        headers: request.headers,
        body: () => body.read(),
      });
      await body.drain();
      return fault?.fault === 'truncate' ? truncatedResponse(response, fault.afterBytes) : response;
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      await body.drain();
      return errorResponse(error, url.pathname, request.method);
    }
  }

  /** Anonymous requests may only read objects whose canned ACL makes them public. */
  private checkAuthorization(
    request: Request,
    url: URL,
    operation: S3Operation,
    bucket: string | undefined,
    key: string | undefined,
  ): void {
    if (request.headers.has('authorization') || url.searchParams.has('X-Amz-Signature')) return;
    const readsObject = operation === 'GetObject' || operation === 'HeadObject';
    const acl = bucket !== undefined && key !== undefined ? this.object(bucket, key)?.acl : undefined;
    if (readsObject && (acl === 'public-read' || acl === 'public-read-write')) return;
    throw new S3Error(403, 'AccessDenied', 'Access Denied');
  }

  private checkProviderHeaders(headers: Headers): void {
    if (this.profile.rejectsChecksumHeaders) {
      for (const name of headers.keys()) {
        if (name.startsWith('x-amz-checksum-') || name === 'x-amz-sdk-checksum-algorithm') {
          throw invalidArgument(`Unsupported header '${name}' received for this API call.`);
        }
      }
    }
    if (this.profile.rejectsAwsChunkedBodies && isAwsChunked(headers)) {
      throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
  }
}

export function createS3Emulator(options: S3EmulatorOptions = {}): S3Emulator {
  return new S3Emulator(options);
}
