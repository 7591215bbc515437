import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';

/** Written once, with the schema builder, so they run unchanged on SQLite and PostgreSQL. */
const migrations: Record<string, Migration> = {
  '0001_files': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('files')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('storage', 'text', (column) => column.notNull())
        .addColumn('filename_disk', 'text', (column) => column.notNull())
        .addColumn('filename_download', 'text', (column) => column.notNull())
        .addColumn('title', 'text')
        .addColumn('type', 'text')
        .addColumn('filesize', 'bigint')
        .addColumn('checksum', 'text')
        .addColumn('uploaded_on', 'text', (column) => column.notNull())
        .addColumn('modified_on', 'text', (column) => column.notNull())
        .addColumn('upload_status', 'text', (column) => column.notNull())
        .addColumn('upload_offset', 'bigint')
        .addColumn('upload_length', 'bigint')
        .addColumn('upload_token_hash', 'text')
        .execute();
      await db.schema.createIndex('files_storage').on('files').column('storage').execute();
      await db.schema.createIndex('files_uploaded_on').on('files').columns(['uploaded_on', 'id']).execute();
    },
  },
  '0002_direct_uploads': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('direct_uploads')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('storage', 'text', (column) => column.notNull())
        .addColumn('key', 'text', (column) => column.notNull())
        .addColumn('multipart_upload_id', 'text')
        .addColumn('declared_sha256', 'text')
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('direct_uploads_expires_at')
        .on('direct_uploads')
        .column('expires_at')
        .execute();
    },
  },
  '0003_upload_partials': {
    async up(db: Kysely<unknown>) {
      // Partial uploads of a TUS concatenation: no file of their own, but routed and owned like one.
      await db.schema
        .createTable('upload_partials')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('storage', 'text', (column) => column.notNull())
        .addColumn('upload_token_hash', 'text')
        .addColumn('created_on', 'text', (column) => column.notNull())
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error;
}
