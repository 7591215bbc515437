import type { ProviderProfile } from '../profiles.js';
import type { Store } from '../store.js';
import { type XmlNode, xmlDocument } from '../xml.js';

/** Size limits of the emulated service (S3's by default; tests lower them). */
export interface EmulatorLimits {
  /** Smallest size of a multipart part other than the last (S3: 5 MiB). */
  minPartSize: number;
  /** Largest object PutObject or CompleteMultipartUpload may create (S3: 5 TiB). */
  maxObjectSize: number;
  /** Largest source CopyObject accepts; above it UploadPartCopy is the way (S3: 5 GiB). */
  maxCopySize: number;
}

/** One routed request, as the operation handlers see it. */
export interface OperationContext {
  readonly store: Store;
  readonly profile: ProviderProfile;
  readonly limits: EmulatorLimits;
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
  readonly headers: Headers;
  /** The request's payload (aws-chunked framing removed). */
  body(): Promise<Buffer>;
}

export type OperationHandler = (context: OperationContext) => Response | Promise<Response>;

export function xmlResponse(root: XmlNode, headers: Record<string, string> = {}): Response {
  return new Response(xmlDocument(root), {
    status: 200,
    headers: { 'content-type': 'application/xml', ...headers },
  });
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

/** A non-negative integer query parameter, or the default. */
export function integerParam(query: URLSearchParams, name: string, fallback: number): number {
  const value = query.get(name);
  if (value === null || value === '') return fallback;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}
