import type { FileRecords, FileRow, UploadStatus } from '@stowage/api';

/** Rows fetched a query at a time: enough to keep workers busy, little memory on millions of files. */
const PAGE_SIZE = 500;

/**
 * Every file of a location, in id order, fetched page by page. The cursor is the last
 * id seen, so files that leave the location meanwhile (moved by this run) shift nothing.
 */
export async function* filesOf(
  records: FileRecords,
  location: string,
  status?: UploadStatus,
): AsyncGenerator<FileRow> {
  let after: string | undefined;
  for (;;) {
    const page = await records.pageOfLocation(location, { after, limit: PAGE_SIZE, status });
    yield* page;
    if (page.length < PAGE_SIZE) return;
    after = page.at(-1)!.id;
  }
}
