import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError, invalidPayload, notFound } from '../http/errors.js';
import { parseBody } from '../http/validation.js';
import { pickLocation } from '../locations.js';
import { findFile, findSettledFile } from './find-file.js';
import { parseListQuery } from './list-query.js';
import { moveFile } from './move-file.js';
import { cleanFilename, cleanMediaType } from './names.js';
import { presentFile } from './present-file.js';
import { removeFile } from './remove-file.js';
import { deleteFileSchema, fileChanges, getFileSchema, listFilesSchema, patchFileSchema } from './schemas.js';

type IdParams = { Params: { id: string } };

export function registerFileRoutes(app: FastifyInstance, context: AppContext): void {
  // Authenticated before anything reads (or refuses) the body, whatever it sent.
  const onRequest = context.auth.requireAdmin;

  app.get('/files', { schema: listFilesSchema, onRequest }, async (request) => {
    const files = await context.records.list(parseListQuery(request.query as Record<string, unknown>));
    return { data: files.map(presentFile) };
  });

  app.get<IdParams>('/files/:id', { schema: getFileSchema, onRequest }, async (request) => ({
    data: presentFile(await findSettledFile(context, request.params.id, request.log)),
  }));

  app.patch<IdParams>('/files/:id', { schema: patchFileSchema, onRequest }, async (request) => {
    const changes = parseBody(fileChanges, request.body);
    let file = await findSettledFile(context, request.params.id, request.log);
    const filenameDownload =
      changes.filename_download === undefined ? undefined : cleanFilename(changes.filename_download);
    if (changes.filename_download !== undefined && !filenameDownload)
      throw invalidPayload('filename_download is not a usable name');
    const type = changes.type === undefined ? undefined : cleanMediaType(changes.type);
    if (changes.type !== undefined && !type)
      throw invalidPayload('type must be a media type such as image/png');

    if (changes.storage !== undefined && changes.storage !== file.storage) {
      const to = pickLocation(context.storage, changes.storage);
      if (file.upload_status !== 'ready')
        throw new ApiError(409, 'CONFLICT', 'The file is still being uploaded');
      file = await moveFile({ ...context, log: request.log }, file, to);
    }
    const updated = await context.records.update(file.id, {
      ...(changes.title !== undefined && { title: changes.title }),
      ...(filenameDownload && { filename_download: filenameDownload }),
      ...(type && { type }),
      modified_on: new Date().toISOString(),
    });
    if (!updated) throw notFound();
    return { data: presentFile(updated) };
  });

  app.delete<IdParams>('/files/:id', { schema: deleteFileSchema, onRequest }, async (request, reply) => {
    const file = await findFile(context.records, request.params.id);
    if (!(await removeFile(context, file, request.log))) throw notFound();
    return reply.code(204).send();
  });
}
