import { type FileRow, measureStored } from '@stowage/api';
import { NotFoundError } from '@stowage/storage';
import { describeFailure } from '../failure.js';
import { filesOf } from '../file-pages.js';
import { formatBytes, formatSeconds } from '../output/format.js';
import type { Output } from '../output/output.js';
import { ProgressTracker } from '../output/progress-tracker.js';
import type { Runtime } from '../runtime.js';
import { forEachConcurrently } from '../work-pool.js';
import { ExitCode } from './exit-codes.js';
import { pickLocations } from './locations-option.js';

export interface VerifyOptions {
  location: string | undefined;
  /** Share of the files to check, 0 < sample ≤ 1. */
  sample: number;
  concurrency: number;
}

type Problem = 'missing' | 'mismatched' | 'unreadable';

interface Finding {
  problem: Problem;
  detail: string;
  actual?: { size: number; checksum: string };
}

/**
 * Reads files back and compares their size and SHA-256 with their records. A file found
 * wrong is looked up again before it is reported: one moved or deleted meanwhile (by
 * the API serving) is checked where it is now, or dropped.
 */
export async function verify(
  runtime: Runtime,
  output: Output,
  options: VerifyOptions,
  stop: AbortSignal,
): Promise<ExitCode> {
  const locations = pickLocations(runtime, options.location);
  let files = 0;
  let bytes = 0;
  for (const location of locations) {
    const totals = await runtime.records.locationTotals(location);
    files += totals.ready;
    bytes += totals.readyBytes;
  }
  // Sampled totals are an estimate until the last file is drawn; then they are exact.
  const tracker = new ProgressTracker(Math.round(files * options.sample), Math.round(bytes * options.sample));
  output.emit(
    { event: 'start', command: 'verify', locations, files, bytes, sample: options.sample },
    `Verifying ${options.sample < 1 ? `about ${Math.round(options.sample * 100)}% of ` : ''}${files} files (${formatBytes(bytes)}) on ${locations.join(', ')}`,
  );
  const display = output.progress('verify', tracker);
  const counts = { ok: 0, missing: 0, mismatched: 0, unreadable: 0 };

  const sampled = async function* () {
    let drawn = 0;
    let drawnBytes = 0;
    for (const location of locations) {
      for await (const file of filesOf(runtime.records, location, 'ready')) {
        if (options.sample < 1 && Math.random() >= options.sample) continue;
        drawn += 1;
        drawnBytes += file.filesize ?? 0;
        yield file;
      }
    }
    tracker.settleTotals(drawn, drawnBytes);
  };

  await forEachConcurrently(
    sampled(),
    options.concurrency,
    async (file) => {
      const progress = tracker.startFile(file.filesize ?? 0);
      try {
        const result = await checkCurrent(runtime, file, progress.bytes);
        if (!result) return;
        const { file: checked, finding } = result;
        if (!finding) {
          counts.ok += 1;
          return;
        }
        counts[finding.problem] += 1;
        display.note(
          {
            event: 'problem',
            problem: finding.problem,
            id: checked.id,
            location: checked.storage,
            key: checked.filename_disk,
            expected: { size: checked.filesize, checksum: checked.checksum },
            ...(finding.actual && { actual: finding.actual }),
            detail: finding.detail,
          },
          `✗ ${finding.problem}: ${checked.id} on ${checked.storage} (${checked.filename_disk}): ${finding.detail}`,
        );
      } finally {
        progress.done();
      }
    },
    stop,
  );
  display.stop();

  const problems = counts.missing + counts.mismatched + counts.unreadable;
  const snapshot = tracker.snapshot();
  output.emit(
    {
      event: 'summary',
      command: 'verify',
      checked: snapshot.filesDone,
      ...counts,
      interrupted: stop.aborted,
    },
    `${stop.aborted ? 'Interrupted: ' : ''}${snapshot.filesDone} files checked in ${formatSeconds(snapshot.elapsedSeconds)}: ` +
      `${counts.ok} ok, ${counts.missing} missing, ${counts.mismatched} mismatched, ${counts.unreadable} unreadable.`,
  );
  if (stop.aborted) return ExitCode.Interrupted;
  return problems > 0 ? ExitCode.Failed : ExitCode.Ok;
}

/**
 * Checks the file; when something looks wrong, checks it again as its record now says
 * (once). Undefined when the file was deleted meanwhile.
 */
async function checkCurrent(
  runtime: Runtime,
  file: FileRow,
  onBytes: (count: number) => void,
): Promise<{ file: FileRow; finding: Finding | undefined } | undefined> {
  const finding = await check(runtime, file, onBytes);
  if (!finding) return { file, finding };
  const current = await runtime.records.get(file.id);
  if (current?.upload_status !== 'ready') return undefined;
  const unchanged =
    current.storage === file.storage &&
    current.filename_disk === file.filename_disk &&
    current.checksum === file.checksum &&
    current.filesize === file.filesize;
  return unchanged ? { file, finding } : { file: current, finding: await check(runtime, current, () => {}) };
}

async function check(
  runtime: Runtime,
  file: FileRow,
  onBytes: (count: number) => void,
): Promise<Finding | undefined> {
  let actual: { size: number; checksum: string };
  try {
    actual = await measureStored(runtime.storage.location(file.storage), file.filename_disk, onBytes);
  } catch (error) {
    if (error instanceof NotFoundError)
      return { problem: 'missing', detail: 'no bytes stored under the key' };
    return { problem: 'unreadable', detail: describeFailure(error) };
  }
  if (actual.size !== file.filesize) {
    return { problem: 'mismatched', detail: `size ${actual.size}, the record says ${file.filesize}`, actual };
  }
  if (file.checksum !== null && actual.checksum !== file.checksum) {
    return {
      problem: 'mismatched',
      detail: `SHA-256 ${actual.checksum}, the record says ${file.checksum}`,
      actual,
    };
  }
  return undefined;
}
