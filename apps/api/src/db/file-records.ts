import { type Kysely, sql } from 'kysely';
import type { Database, FileRow, FileRowUpdate, NewFileRow, UploadStatus } from './schema.js';

export interface FileListQuery {
  limit: number;
  offset: number;
  sort: { column: SortableColumn; direction: 'asc' | 'desc' }[];
  filters: { column: FilterableColumn; operator: '_eq' | '_starts_with'; value: string }[];
}

export const sortableColumns = [
  'uploaded_on',
  'modified_on',
  'filename_download',
  'title',
  'filesize',
  'type',
  'storage',
] as const;
export type SortableColumn = (typeof sortableColumns)[number];
export const filterableColumns = ['storage', 'type', 'upload_status'] as const;
export type FilterableColumn = (typeof filterableColumns)[number];

/** Every query on the `files` table lives here. */
export class FileRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewFileRow): Promise<void> {
    await this.db.insertInto('files').values(row).execute();
  }

  async get(id: string): Promise<FileRow | undefined> {
    return this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(query: FileListQuery): Promise<FileRow[]> {
    let select = this.db.selectFrom('files').selectAll();
    for (const { column, operator, value } of query.filters) {
      // SQLite's LIKE has no escape character unless told: `_` and `%` would be wildcards.
      select =
        operator === '_eq'
          ? select.where(column, '=', value)
          : select.where(
              sql<boolean>`${sql.ref(column)} like ${`${value.replace(/[\\%_]/g, '\\$&')}%`} escape '\\'`,
            );
    }
    for (const { column, direction } of query.sort) select = select.orderBy(column, direction);
    return select.orderBy('id').limit(query.limit).offset(query.offset).execute();
  }

  /** Updates and answers the new row; undefined when the file no longer exists. */
  async update(id: string, changes: FileRowUpdate): Promise<FileRow | undefined> {
    await this.db.updateTable('files').set(changes).where('id', '=', id).execute();
    return this.get(id);
  }

  /**
   * Progress of a resumable upload, reported by whichever instance took the PATCH: only
   * forward, and never onto a completed record, so that a late report from one instance
   * cannot undo what another has recorded since.
   */
  async recordProgress(id: string, offset: number): Promise<void> {
    await this.db
      .updateTable('files')
      .set({ upload_offset: offset, modified_on: new Date().toISOString() })
      .where('id', '=', id)
      .where('upload_status', '=', 'uploading')
      .where((row) => row.or([row('upload_offset', 'is', null), row('upload_offset', '<', offset)]))
      .execute();
  }

  /** True when this call removed the row (so exactly one caller goes on to delete the bytes). */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('files').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Ready files of a location whose checksum is still to be computed (see backfillChecksum). */
  async readyWithoutChecksum(location: string, limit: number): Promise<FileRow[]> {
    return this.db
      .selectFrom('files')
      .selectAll()
      .where('storage', '=', location)
      .where('upload_status', '=', 'ready')
      .where('checksum', 'is', null)
      .limit(limit)
      .execute();
  }

  async setChecksumIfMissing(id: string, checksum: string): Promise<void> {
    await this.db
      .updateTable('files')
      .set({ checksum })
      .where('id', '=', id)
      .where('checksum', 'is', null)
      .execute();
  }

  /** The location's records still `uploading`, a page at a time in id order (after `afterId`). */
  async unfinishedUploads(location: string, afterId = '', limit = 500): Promise<FileRow[]> {
    return this.db
      .selectFrom('files')
      .selectAll()
      .where('storage', '=', location)
      .where('upload_status', '=', 'uploading')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Deletes the record only if it is still unfinished (never one completed meanwhile); true when it did. */
  async deleteUnfinished(id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('files')
      .where('id', '=', id)
      .where('upload_status', '=', 'uploading')
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Points the record at its copy in `to`, only if it still names `from` (not deleted,
   * not moved by someone else meanwhile); undefined otherwise.
   */
  async switchLocation(id: string, from: string, to: string): Promise<FileRow | undefined> {
    const result = await this.db
      .updateTable('files')
      .set({ storage: to, modified_on: new Date().toISOString() })
      .where('id', '=', id)
      .where('storage', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0 ? this.get(id) : undefined;
  }

  /** The files of a location in id order, `limit` after the id `after`: a cursor that survives rows leaving. */
  async pageOfLocation(
    storage: string,
    { after, limit, status }: { after?: string; limit: number; status?: UploadStatus },
  ): Promise<FileRow[]> {
    let select = this.db.selectFrom('files').selectAll().where('storage', '=', storage);
    if (after !== undefined) select = select.where('id', '>', after);
    if (status !== undefined) select = select.where('upload_status', '=', status);
    return select.orderBy('id').limit(limit).execute();
  }

  /** How many files of each status a location holds, and the bytes of its ready ones. */
  async locationTotals(storage: string): Promise<{ ready: number; uploading: number; readyBytes: number }> {
    const rows = await this.db
      .selectFrom('files')
      .select((eb) => [
        'upload_status',
        eb.fn.countAll<number>().as('files'),
        eb.fn.sum<number>('filesize').as('bytes'),
      ])
      .where('storage', '=', storage)
      .groupBy('upload_status')
      .execute();
    const of = (status: UploadStatus) => rows.find((row) => row.upload_status === status);
    return {
      ready: Number(of('ready')?.files ?? 0),
      uploading: Number(of('uploading')?.files ?? 0),
      readyBytes: Number(of('ready')?.bytes ?? 0),
    };
  }

  /** The record whose bytes are stored under the key in that location, if any. */
  async ownerOf(storage: string, key: string): Promise<FileRow | undefined> {
    return this.db
      .selectFrom('files')
      .selectAll()
      .where('storage', '=', storage)
      .where('filename_disk', '=', key)
      .executeTakeFirst();
  }
}
