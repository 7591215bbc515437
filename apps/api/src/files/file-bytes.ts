import { pipeline } from 'node:stream/promises';
import type { Driver } from '@stowage/storage';
import { hasServerSideCopy, UnsupportedError } from '@stowage/storage';
import type { FileRow } from '../db/schema.js';
import { ContentMeter } from './content-meter.js';

export interface MeasuredContent {
  size: number;
  checksum: string;
}

/** Told of the bytes of a long copy or read as they pass. */
export type ByteProgress = (count: number) => void;

/** SHA-256 and size of what is stored under the key, read once. */
export async function measureStored(
  driver: Driver,
  key: string,
  onBytes?: ByteProgress,
): Promise<MeasuredContent> {
  const meter = new ContentMeter(Number.POSITIVE_INFINITY, onBytes);
  await pipeline(await driver.read(key), meter, async (chunks: AsyncIterable<Buffer>) => {
    for await (const _ of chunks);
  });
  return { size: meter.bytesSeen, checksum: meter.checksum() };
}

/**
 * Copies a file's bytes between locations: server-side when the destination can take
 * them from the source directly, else (or when the backend refuses that copy, as RGW
 * does for some encrypted objects) streamed through this process. Answers what was
 * written, measured on the way (streamed) or read back (server-side; `onBytes` then
 * follows that read).
 */
export async function copyBetween(
  source: Driver,
  destination: Driver,
  file: FileRow,
  onBytes?: ByteProgress,
): Promise<MeasuredContent> {
  const key = file.filename_disk;
  if (hasServerSideCopy(destination) && destination.canCopyFrom(source)) {
    try {
      await destination.copyFrom(source, key, key);
      return measureStored(destination, key, onBytes);
    } catch (error) {
      if (!(error instanceof UnsupportedError)) throw error;
    }
  }
  return streamBetween(source, destination, file, onBytes);
}

async function streamBetween(
  source: Driver,
  destination: Driver,
  file: FileRow,
  onBytes?: ByteProgress,
): Promise<MeasuredContent> {
  const key = file.filename_disk;
  const meter = new ContentMeter(Number.POSITIVE_INFINITY, onBytes);
  const content = await source.read(key);
  content.on('error', (error) => meter.destroy(error));
  try {
    await destination.write(key, content.pipe(meter), {
      size: file.filesize ?? undefined,
      contentType: file.type ?? undefined,
    });
  } finally {
    content.destroy();
  }
  return { size: meter.bytesSeen, checksum: meter.checksum() };
}
