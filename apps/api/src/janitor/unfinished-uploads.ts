import type { FastifyBaseLogger } from 'fastify';
import type { ApiEnv } from '../config/env.js';
import type { FileRecords } from '../db/file-records.js';
import type { FileRow } from '../db/schema.js';
import type { UploadServers } from '../tus/upload-servers.js';
import type { CleanupStep, StepReport } from './janitor.js';

const age = (timestamp: string) => Date.now() - Date.parse(timestamp);

/**
 * Records left `uploading` (by a crash, an outage, a client that never came back),
 * brought in line with their store: completed when the store has the whole file, removed
 * when the store has nothing of them (once abandoned), removed with the store's state
 * when idle past TUS_UPLOAD_EXPIRATION. Never removes an upload its store reports complete.
 */
export function unfinishedUploadsStep(
  records: FileRecords,
  uploads: UploadServers,
  env: Pick<ApiEnv, 'TUS_UPLOAD_EXPIRATION' | 'CLEANUP_ABANDONED_AFTER'>,
  log: FastifyBaseLogger,
): CleanupStep {
  const settle = async (file: FileRow, report: StepReport) => {
    const removed = ({ id, storage }: FileRow) => {
      report.removed!++;
      log.info({ id, location: storage }, 'stale upload removed');
    };
    const view = await uploads.inspect(file);
    if (view?.state === 'complete') {
      if (await uploads.complete(file)) report.completed!++;
    } else if (view?.state === 'gone') {
      // A young record may be a creation still under way; an idle one's state was expired by its store.
      const abandoned =
        age(file.uploaded_on) >= env.CLEANUP_ABANDONED_AFTER ||
        age(file.modified_on) >= env.TUS_UPLOAD_EXPIRATION;
      if (abandoned && (await records.deleteUnfinished(file.id))) removed(file);
    } else if (view && age(file.modified_on) >= env.TUS_UPLOAD_EXPIRATION) {
      if (await records.deleteUnfinished(file.id)) {
        await uploads.discard(file);
        removed(file);
      }
    } else if (view && view.offset !== file.upload_offset) {
      await records.recordProgress(file.id, view.offset);
    }
  };
  return {
    name: 'unfinished-uploads',
    async run(location) {
      const report: StepReport = { completed: 0, removed: 0, failed: 0 };
      for (let after = ''; ; ) {
        const page = await records.unfinishedUploads(location, after);
        if (page.length === 0) return report;
        for (const file of page) {
          after = file.id;
          // One upload whose store fails must not keep the others from being settled.
          await settle(file, report).catch((error: unknown) => {
            report.failed!++;
            log.warn({ err: error, id: file.id, location }, 'could not settle an unfinished upload');
          });
        }
      }
    },
  };
}
