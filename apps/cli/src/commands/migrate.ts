import { setTimeout as sleep } from 'node:timers/promises';
import { type FileRow, moveFile, type WarningLog } from '@stowage/api';
import { describeFailure } from '../failure.js';
import { filesOf } from '../file-pages.js';
import { formatBytes, formatSeconds } from '../output/format.js';
import type { Output, ProgressDisplay } from '../output/output.js';
import { ProgressTracker } from '../output/progress-tracker.js';
import type { Runtime } from '../runtime.js';
import { forEachConcurrently } from '../work-pool.js';
import { ExitCode, UsageError } from './exit-codes.js';

export interface MigrateOptions {
  from: string;
  to: string;
  concurrency: number;
  dryRun: boolean;
  deleteSource: boolean;
}

/**
 * How long a source copy outlives the switch of its record: a download that read the
 * record just before the switch opens the source within this time (a download already
 * streaming keeps its open file or S3 response whatever happens to the source).
 */
const SOURCE_DELETE_GRACE_MS = 5_000;

/**
 * Every ready file of `from` to `to`, through the API's own copy–verify–switch path
 * (the one of PATCH /files/:id). Resumable by construction: a file whose record was
 * switched is no longer in `from`, so a second run takes only what is left. Files still
 * being uploaded stay where they are (and are counted).
 */
export async function migrate(
  runtime: Runtime,
  output: Output,
  options: MigrateOptions,
  stop: AbortSignal,
): Promise<ExitCode> {
  const { from, to } = options;
  for (const location of [from, to]) {
    if (!runtime.storage.has(location)) {
      throw new UsageError(
        `Unknown location "${location}" (known: ${runtime.storage.locationNames.join(', ')})`,
      );
    }
  }
  if (from === to) throw new UsageError('--from and --to name the same location');

  const totals = await runtime.records.locationTotals(from);
  output.emit(
    {
      event: 'start',
      command: 'migrate',
      from,
      to,
      files: totals.ready,
      bytes: totals.readyBytes,
      uploading: totals.uploading,
      dry_run: options.dryRun,
      delete_source: options.deleteSource,
    },
    `${options.dryRun ? 'Would migrate' : 'Migrating'} ${totals.ready} files (${formatBytes(totals.readyBytes)}) from ${from} to ${to}` +
      (totals.uploading > 0 ? `; ${totals.uploading} still uploading stay` : ''),
  );
  if (options.dryRun) return dryRun(runtime, output, from);

  const tracker = new ProgressTracker(totals.ready, totals.readyBytes);
  const display = output.progress(`${from} → ${to}`, tracker);
  const log: WarningLog = {
    warn: (details, message) =>
      display.note({ event: 'warning', message, ...describeDetails(details) }, `! ${message}`),
  };
  const sourceDeletions: Promise<void>[] = [];
  let moved = 0;
  let gone = 0;
  const failed: string[] = [];

  await forEachConcurrently(
    filesOf(runtime.records, from, 'ready'),
    options.concurrency,
    async (file) => {
      const progress = tracker.startFile(file.filesize ?? 0);
      try {
        await moveFile({ storage: runtime.storage, records: runtime.records, log }, file, to, {
          deleteSource: false,
          onBytes: progress.bytes,
        });
        moved += 1;
        if (options.deleteSource) sourceDeletions.push(deleteSourceLater(runtime, file, display));
        display.note(fileEvent(file, options.deleteSource ? 'moved' : 'copied'), '');
      } catch (error) {
        // Deleted or moved by the API meanwhile: nothing of ours to do, not a failure.
        const current = await runtime.records.get(file.id).catch(() => file);
        if (current?.storage !== from) {
          gone += 1;
          display.note(fileEvent(file, current ? 'moved_elsewhere' : 'deleted'), '');
          return;
        }
        failed.push(file.id);
        const reason = describeFailure(error);
        display.note(
          { ...fileEvent(file, 'failed'), error: reason },
          `✗ ${file.id} (${file.filename_disk}): ${reason}`,
        );
      } finally {
        progress.done();
      }
    },
    stop,
  );
  await Promise.all(sourceDeletions);
  display.stop();

  const snapshot = tracker.snapshot();
  const interrupted = stop.aborted;
  output.emit(
    {
      event: 'summary',
      command: 'migrate',
      from,
      to,
      moved,
      failed: failed.length,
      failed_ids: failed,
      gone,
      left: totals.ready - moved - gone,
      uploading: totals.uploading,
      bytes: snapshot.bytesDone,
      seconds: Number(snapshot.elapsedSeconds.toFixed(2)),
      interrupted,
    },
    [
      `${interrupted ? 'Interrupted: ' : ''}${moved} of ${totals.ready} files ${options.deleteSource ? 'moved' : 'copied'} to ${to} in ${formatSeconds(snapshot.elapsedSeconds)}` +
        `${failed.length > 0 ? `, ${failed.length} failed (still on ${from})` : ''}` +
        `${gone > 0 ? `, ${gone} deleted or moved by the API meanwhile` : ''}.`,
      ...(options.deleteSource || moved === 0
        ? []
        : [
            `The copies on ${from} stay as a fallback: \`stowage orphans --location ${from} --delete\` removes them.`,
          ]),
      ...(interrupted || failed.length > 0 ? ['Run the same command again to take the rest.'] : []),
    ].join('\n'),
  );
  if (interrupted) return ExitCode.Interrupted;
  return failed.length > 0 ? ExitCode.Failed : ExitCode.Ok;
}

async function dryRun(runtime: Runtime, output: Output, from: string): Promise<ExitCode> {
  for await (const file of filesOf(runtime.records, from, 'ready')) {
    output.emit(
      fileEvent(file, 'would_move'),
      `  ${file.id}  ${file.filename_disk}  ${formatBytes(file.filesize ?? 0)}`,
    );
  }
  return ExitCode.Ok;
}

/** The record already points at the copy; the source goes once readers that saw the old record are done. */
async function deleteSourceLater(runtime: Runtime, file: FileRow, display: ProgressDisplay): Promise<void> {
  await sleep(SOURCE_DELETE_GRACE_MS);
  try {
    await runtime.storage.location(file.storage).delete(file.filename_disk);
  } catch (error) {
    const message = `moved ${file.id}, but its source copy on ${file.storage} remains: ${describeFailure(error)}`;
    display.note({ event: 'warning', id: file.id, message }, `! ${message}`);
  }
}

function fileEvent(file: FileRow, status: string) {
  return { event: 'file', id: file.id, key: file.filename_disk, size: file.filesize, status };
}

function describeDetails(details: object): Record<string, unknown> {
  const { err, ...rest } = details as { err?: unknown };
  return err === undefined ? rest : { ...rest, error: describeFailure(err) };
}
