import { randomUUID } from 'node:crypto';
import type { MultipartFile } from '@fastify/multipart';
import { InsufficientStorageError } from '@stowage/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { FileRow } from '../db/schema.js';
import { ApiError, contentTooLarge, invalidPayload, locationFull } from '../http/errors.js';
import { pickLocation } from '../locations.js';
import { ContentMeter } from './content-meter.js';
import { cleanFilename, cleanMediaType, diskFilename, TITLE_MAX_LENGTH } from './names.js';
import { readyFileRecord } from './new-file-record.js';
import { presentFile } from './present-file.js';
import { removeFile } from './remove-file.js';
import { uploadFilesSchema } from './schemas.js';

/** Fields that describe the files after them; `storage` carries on, the others apply to the next file only. */
interface PendingFields {
  storage?: string;
  title?: string;
  filename_download?: string;
}

/**
 * POST /files: multipart, each file streamed straight into its location while its size
 * and checksum are measured. All or nothing: when any file fails (too large, unknown
 * location, client gone) the files already stored by this request are removed again.
 */
export function registerUploadRoute(app: FastifyInstance, context: AppContext): void {
  app.post(
    '/files',
    // Authenticated before anything reads the body.
    { schema: uploadFilesSchema, onRequest: context.auth.requireAdmin },
    async (request) => {
      if (!request.isMultipart()) throw invalidPayload('Expected a multipart/form-data body');
      const created: FileRow[] = [];
      try {
        await receiveParts(request, context, created);
      } catch (error) {
        await Promise.all(created.map((file) => removeFile(context, file, request.log)));
        throw error;
      }
      if (created.length === 0) throw invalidPayload('The request holds no file');
      const files = created.map(presentFile);
      return { data: files.length === 1 ? files[0] : files };
    },
  );
}

async function receiveParts(request: FastifyRequest, context: AppContext, created: FileRow[]): Promise<void> {
  const maxSize = context.env.FILES_MAX_UPLOAD_SIZE;
  // One byte past the limit: our meter, not busboy's silent truncation, must see the overflow.
  const parts = request.parts({ limits: { fileSize: maxSize + 1, fieldSize: 64 * 1024 } });
  let fields: PendingFields = {};
  for await (const part of clientFaultsAsInvalid(parts)) {
    if (part.type === 'field') {
      if (
        part.fieldname === 'storage' ||
        part.fieldname === 'title' ||
        part.fieldname === 'filename_download'
      ) {
        fields[part.fieldname] = String(part.value);
      }
      if (part.fieldname === 'title' && String(part.value).length > TITLE_MAX_LENGTH) {
        throw invalidPayload(`title: must be at most ${TITLE_MAX_LENGTH} characters`);
      }
      continue;
    }
    created.push(await storeFile(context, part, fields));
    fields = { storage: fields.storage };
  }
}

async function storeFile(context: AppContext, part: MultipartFile, fields: PendingFields): Promise<FileRow> {
  const storage = pickLocation(context.storage, fields.storage);
  const driver = context.storage.location(storage);
  const id = randomUUID();
  const filenameDownload = cleanFilename(fields.filename_download) ?? cleanFilename(part.filename) ?? id;
  const type = cleanMediaType(part.mimetype) ?? 'application/octet-stream';
  const key = diskFilename(id, filenameDownload);

  const meter = new ContentMeter(context.env.FILES_MAX_UPLOAD_SIZE);
  let bodyFailure: Error | undefined;
  part.file.on('error', (error) => {
    bodyFailure = error;
    meter.destroy(error);
  });
  try {
    await driver.write(key, part.file.pipe(meter), {
      contentType: type,
      maxSize: context.env.FILES_MAX_UPLOAD_SIZE,
    });
  } catch (error) {
    part.file.destroy();
    // The meter's own refusal (too large) explains the failure; any other error of it
    // only echoes the write's (a destroyed pipe) and would hide what the backend said.
    if (meter.errored instanceof ApiError) throw meter.errored;
    if (error instanceof InsufficientStorageError) throw locationFull(storage, error);
    if (bodyFailure) throw malformedBody(bodyFailure);
    throw error;
  }
  if (part.file.truncated) {
    await driver.delete(key);
    throw contentTooLarge(context.env.FILES_MAX_UPLOAD_SIZE);
  }
  context.metrics.bytesReceived.inc({ location: storage }, meter.bytesSeen);
  const file = readyFileRecord(
    { id, storage, filenameDisk: key, filenameDownload, title: fields.title, type },
    { size: meter.bytesSeen, checksum: meter.checksum() },
  );
  try {
    await context.records.insert(file);
  } catch (error) {
    await driver.delete(key);
    throw error;
  }
  return file;
}

/** A body busboy cannot parse, or one cut short, is the client's fault: 400, not a 500. */
function malformedBody(error: Error): ApiError {
  return invalidPayload(`Malformed multipart body: ${error.message}`);
}

/** The parts, with parse failures (no boundary, an unexpected end) answered as malformedBody. */
async function* clientFaultsAsInvalid<T>(parts: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = parts[Symbol.asyncIterator]();
  let ended = false;
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        ended = true;
        // Errors with a status (fastify-multipart's limits) or ours already say what they are.
        if (error instanceof ApiError || (error as { statusCode?: number }).statusCode) throw error;
        throw malformedBody(error as Error);
      }
      if (next.done) {
        ended = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Left early (a file failed): let the parser release the body, as for-await would.
    if (!ended) await iterator.return?.();
  }
}
