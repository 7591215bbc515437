import { NotFoundError } from '@stowage/storage';
import { describeFailure } from '../failure.js';
import { filesOf } from '../file-pages.js';
import { sharedKeysOf } from '../location-space.js';
import { formatBytes, formatSeconds } from '../output/format.js';
import type { Output } from '../output/output.js';
import type { Runtime } from '../runtime.js';
import { ExitCode } from './exit-codes.js';
import { pickLocations } from './locations-option.js';

export interface OrphansOptions {
  location: string | undefined;
  delete: boolean;
  /** Milliseconds: younger objects may be a write whose record is not there yet. */
  olderThan: number;
}

interface Counts {
  orphans: number;
  orphanBytes: number;
  deleted: number;
  deleteFailed: number;
  young: number;
  missing: number;
}

/**
 * Objects that no record owns, and records whose bytes are gone. Listings never show
 * the reserved `.stowage/` folder (upload state, temporary files); keys under the root
 * of a location nested in this one are that location's. An object is an orphan only
 * when it is older than the bound (a POST /files writes its bytes before its record, a
 * move its copy before the switch), and is checked again just before it is deleted.
 */
export async function orphans(
  runtime: Runtime,
  output: Output,
  options: OrphansOptions,
  stop: AbortSignal,
): Promise<ExitCode> {
  const counts: Counts = { orphans: 0, orphanBytes: 0, deleted: 0, deleteFailed: 0, young: 0, missing: 0 };
  const startedAt = Date.now();
  for (const location of pickLocations(runtime, options.location)) {
    if (stop.aborted) break;
    await scanLocation(runtime, output, options, location, counts, stop);
  }
  const left = counts.orphans - counts.deleted;
  output.emit(
    { event: 'summary', command: 'orphans', ...snakeCase(counts), interrupted: stop.aborted },
    `${stop.aborted ? 'Interrupted: ' : ''}${counts.orphans} orphaned objects (${formatBytes(counts.orphanBytes)})` +
      `${options.delete ? `, ${counts.deleted} deleted` : ''}${counts.deleteFailed > 0 ? `, ${counts.deleteFailed} could not be deleted` : ''}; ` +
      `${counts.missing} records without bytes; ${counts.young} unowned objects younger than ${formatSeconds(options.olderThan / 1000)} left alone ` +
      `(${formatSeconds((Date.now() - startedAt) / 1000)}).` +
      (left > 0 && !options.delete ? '\nRun again with --delete to remove the orphans.' : ''),
  );
  if (stop.aborted) return ExitCode.Interrupted;
  return left > 0 || counts.missing > 0 ? ExitCode.Failed : ExitCode.Ok;
}

async function scanLocation(
  runtime: Runtime,
  output: Output,
  options: OrphansOptions,
  location: string,
  counts: Counts,
  stop: AbortSignal,
): Promise<void> {
  const driver = runtime.storage.location(location);
  const shared = sharedKeysOf(runtime, location);
  const owners = [location, ...shared.sameRoot];
  // Every key a record of this root owns, whatever its state (an upload in progress owns its key).
  const owned = new Set<string>();
  for (const owner of owners) {
    for await (const file of filesOf(runtime.records, owner)) owned.add(file.filename_disk);
  }
  const isOwnedNow = async (key: string) =>
    (await Promise.all(owners.map((owner) => runtime.records.ownerOf(owner, key)))).some(Boolean);

  const listed = new Set<string>();
  for await (const key of driver.list()) {
    if (stop.aborted) return;
    if (shared.nestedPrefixes.some((prefix) => key.startsWith(prefix))) continue;
    listed.add(key);
    if (owned.has(key)) continue;
    const stat = await driver.stat(key).catch((error) => {
      if (error instanceof NotFoundError) return undefined; // gone since it was listed
      throw error;
    });
    if (!stat) continue;
    const deadline = Date.now() - options.olderThan;
    if (stat.modified.getTime() > deadline || (await isOwnedNow(key))) {
      counts.young += stat.modified.getTime() > deadline ? 1 : 0;
      continue;
    }
    counts.orphans += 1;
    counts.orphanBytes += stat.size;
    const found = { event: 'orphan', location, key, size: stat.size, modified: stat.modified.toISOString() };
    if (!options.delete) {
      output.emit(
        found,
        `orphan  ${location}  ${key}  ${formatBytes(stat.size)}  ${stat.modified.toISOString()}`,
      );
      continue;
    }
    try {
      await deleteIfStillOrphaned(driver, key, options.olderThan, isOwnedNow);
      counts.deleted += 1;
      output.emit({ ...found, deleted: true }, `deleted ${location}  ${key}  ${formatBytes(stat.size)}`);
    } catch (error) {
      counts.deleteFailed += 1;
      const reason = describeFailure(error);
      output.emit({ ...found, deleted: false, error: reason }, `✗ kept   ${location}  ${key}: ${reason}`);
    }
  }

  for await (const file of filesOf(runtime.records, location, 'ready')) {
    if (stop.aborted) return;
    if (listed.has(file.filename_disk) || (await driver.exists(file.filename_disk))) continue;
    // Moved or deleted since the listing: not a record without bytes.
    const current = await runtime.records.get(file.id);
    if (current?.storage !== location || current.filename_disk !== file.filename_disk) continue;
    counts.missing += 1;
    output.emit(
      { event: 'missing', location, id: file.id, key: file.filename_disk, size: file.filesize },
      `missing ${location}  ${file.id}  ${file.filename_disk}: the record has no bytes`,
    );
  }
}

/** A record written or a byte changed since the scan saw the object makes it no orphan. */
async function deleteIfStillOrphaned(
  driver: ReturnType<Runtime['storage']['location']>,
  key: string,
  olderThan: number,
  isOwnedNow: (key: string) => Promise<boolean>,
): Promise<void> {
  const stat = await driver.stat(key);
  if (stat.modified.getTime() > Date.now() - olderThan) throw new Error('changed since the scan: kept');
  if (await isOwnedNow(key)) throw new Error('a record owns it now: kept');
  await driver.delete(key);
}

function snakeCase(counts: Counts) {
  return {
    orphans: counts.orphans,
    orphan_bytes: counts.orphanBytes,
    deleted: counts.deleted,
    delete_failed: counts.deleteFailed,
    young: counts.young,
    missing: counts.missing,
  };
}
