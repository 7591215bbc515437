import { type DataStore, ERRORS, EVENTS, type ServerOptions, Upload } from '@tus/server';
import { type CancellationContext, Metadata } from '@tus/utils';
import { hasConcatenation, type PartialUpload } from './capabilities.js';
import { CHECKSUM_ALGORITHMS, parseUploadChecksum } from './checksum.js';
import { parseUploadConcat } from './concat-header.js';
import { EXTENSION_ERRORS } from './errors.js';
import { isFinal } from './final-uploads.js';
import { HeadHandler, OptionsHandler, PatchHandler, PostHandler } from './handler-classes.js';
import { withWriteRequest } from './write-request.js';

/** PATCH with Upload-Checksum (the store verifies the body before any of it counts); never to a final upload. */
export class ChecksumPatchHandler extends PatchHandler {
  override async send(req: Request, context: CancellationContext, headers?: Headers): Promise<Response> {
    const checksum = parseUploadChecksum(req.headers.get('upload-checksum'));
    const length = declaredLength(req);
    return withWriteRequest({ ...(checksum && { checksum }), ...(length !== undefined && { length }) }, () =>
      super.send(req, context, headers),
    );
  }

  override async calculateMaxBodySize(
    req: Request,
    file: Upload,
    configuredMaxSize?: number,
  ): Promise<number> {
    if (isFinal(file)) throw EXTENSION_ERRORS.PATCH_ON_FINAL;
    return super.calculateMaxBodySize(req, file, configuredMaxSize);
  }
}

/**
 * POST: creation (with Upload-Checksum on creation-with-upload), partial uploads, and
 * final uploads, which this handler creates itself (@tus/server refuses Upload-Concat).
 */
export class ConcatenationPostHandler extends PostHandler {
  constructor(store: DataStore, options: ServerOptions) {
    super(withMisspeltConcatenation(store), options);
  }

  override async send(
    req: Request,
    context: CancellationContext,
    headers: Headers = new Headers(),
  ): Promise<Response> {
    const concat = parseUploadConcat(req.headers.get('upload-concat'));
    if (concat?.kind === 'final') return this.createFinal(req, concat.urls, headers);
    const checksum = parseUploadChecksum(req.headers.get('upload-checksum'));
    const length = declaredLength(req);
    return withWriteRequest(
      {
        ...(checksum && { checksum }),
        ...(concat && { concat: 'partial' as const }),
        ...(length !== undefined && { length }),
      },
      () => super.send(req, context, headers),
    );
  }

  private async createFinal(req: Request, urls: string[], headers: Headers): Promise<Response> {
    const store = this.store;
    if (!hasConcatenation(store)) throw ERRORS.UNSUPPORTED_CONCATENATION_EXTENSION;
    if (req.headers.get('upload-length') !== null || req.headers.get('upload-defer-length') !== null)
      throw EXTENSION_ERRORS.CONCAT_WITH_LENGTH;
    const partials: PartialUpload[] = [];
    for (const url of urls) {
      const id = decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
      const described = await store.describeConcat(id).catch((error: unknown) => {
        throw (error as { status_code?: number }).status_code === 404
          ? EXTENSION_ERRORS.PARTIAL_NOT_FOUND
          : error;
      });
      if (described.kind !== 'partial') throw EXTENSION_ERRORS.PARTIAL_NOT_PARTIAL;
      if (!described.finished || described.size === undefined) throw EXTENSION_ERRORS.PARTIAL_UNFINISHED;
      partials.push({ id, size: described.size });
    }
    const metadataHeader = req.headers.get('upload-metadata');
    let metadata: Upload['metadata'];
    if (metadataHeader) {
      try {
        metadata = Metadata.parse(metadataHeader);
      } catch {
        throw ERRORS.INVALID_METADATA;
      }
    }
    const id = await this.options.namingFunction(req, metadata);
    const size = partials.reduce((total, partial) => total + partial.size, 0);
    const maxSize = await this.getConfiguredMaxSize(req, id);
    if (maxSize > 0 && size > maxSize) throw ERRORS.ERR_MAX_SIZE_EXCEEDED;
    const upload = new Upload({ id, size, offset: 0, metadata });
    if (this.options.onUploadCreate) {
      const patch = await this.options.onUploadCreate(req, upload);
      if (patch.metadata) upload.metadata = patch.metadata;
    }
    const created = await store.concatenate(upload, partials);
    const url = this.generateUrl(req, id);
    this.emit(EVENTS.POST_CREATE, req, created, url);
    const response = { status: 201, headers: Object.fromEntries(headers.entries()), body: '' };
    if (this.options.onUploadFinish) {
      const patch = await this.options.onUploadFinish(req, created);
      if (patch.status_code) response.status = patch.status_code;
      if (patch.body) response.body = patch.body;
      if (patch.headers) Object.assign(response.headers, patch.headers);
    }
    if (response.status === 201 || (response.status >= 300 && response.status < 400))
      Object.assign(response.headers, { Location: url, 'Upload-Offset': String(size) });
    const written = this.write(response.status, response.headers, response.body);
    this.emit(EVENTS.POST_FINISH, req, written, created);
    return written;
  }
}

/** HEAD of a partial or final upload says so (Upload-Concat), as the extension requires. */
export class ConcatenationHeadHandler extends HeadHandler {
  override async send(req: Request, context: CancellationContext, headers?: Headers): Promise<Response> {
    const response = await super.send(req, context, headers);
    const id = this.getFileIdFromRequest(req);
    if (id === undefined || !hasConcatenation(this.store)) return response;
    const described = await this.store.describeConcat(id);
    if (described.kind === 'partial') response.headers.set('Upload-Concat', 'partial');
    if (described.kind === 'final')
      response.headers.set(
        'Upload-Concat',
        `final;${described.partials.map((partial) => this.generateUrl(req, partial)).join(' ')}`,
      );
    return response;
  }
}

/** Discovery: the checksum algorithms too, when the store verifies checksums. */
export class DiscoveryOptionsHandler extends OptionsHandler {
  override async send(
    req: Request,
    context: CancellationContext,
    headers: Headers = new Headers(),
  ): Promise<Response> {
    if (this.store.hasExtension('checksum'))
      headers.set('Tus-Checksum-Algorithm', CHECKSUM_ALGORITHMS.join(','));
    return super.send(req, context, headers);
  }
}

/**
 * @tus/server 2.x asks a store for the extension 'concatentation' (sic) before it creates
 * a partial upload; our stores advertise the correct name. The store as @tus/server's
 * PostHandler sees it answers both (its methods bound: stores keep private fields).
 */
function withMisspeltConcatenation(store: DataStore): DataStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'hasExtension')
        return (extension: string) =>
          target.hasExtension(extension === 'concatentation' ? 'concatenation' : extension);
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The body's Content-Length, when the request declares one (not chunked). */
function declaredLength(req: Request): number | undefined {
  const header = req.headers.get('content-length');
  const length = header === null ? Number.NaN : Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}
