import { type Kysely, sql } from 'kysely';
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

  /** True when this call removed the row (so exactly one caller goes on to delete the bytes). */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('files').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
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

  /** The bytes a resumable upload has received so far; only while it is unfinished. */
  async recordProgress(id: string, offset: number): Promise<void> {
    await this.db
      .updateTable('files')
      .set({ upload_offset: offset, modified_on: new Date().toISOString() })
      .where('id', '=', id)
      .where('upload_status', '=', 'uploading')
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
}
