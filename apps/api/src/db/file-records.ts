import type { Kysely } from 'kysely';
import type { Database, FileRow, FileRowUpdate, NewFileRow } from './schema.js';

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
      select =
        operator === '_eq'
          ? select.where(column, '=', value)
          : select.where(column, 'like', `${value.replace(/[\\%_]/g, '\\$&')}%`);
    }
    for (const { column, direction } of query.sort) select = select.orderBy(column, direction);
    return select.orderBy('id').limit(query.limit).offset(query.offset).execute();
  }

  /** Updates and answers the new row; undefined when the file no longer exists. */
  async update(id: string, changes: FileRowUpdate): Promise<FileRow | undefined> {
    await this.db.updateTable('files').set(changes).where('id', '=', id).execute();
    return this.get(id);
  }

  /** True when this call removed the row (so exactly one caller goes on to delete the bytes). */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('files').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Ready files whose checksum is still to be computed (see backfillChecksum). */
  async readyWithoutChecksum(limit: number): Promise<FileRow[]> {
    return this.db
      .selectFrom('files')
      .selectAll()
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

  /** Resumable uploads that saw no data since `before`. */
  async staleUploads(before: string): Promise<FileRow[]> {
    return this.db
      .selectFrom('files')
      .selectAll()
      .where('upload_status', '=', 'uploading')
      .where('modified_on', '<', before)
      .execute();
  }
}
