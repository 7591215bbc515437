import type { Kysely } from 'kysely';
import type { Database, DirectUploadRow } from './schema.js';

/** Every query on the `direct_uploads` table. */
export class DirectUploadRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: DirectUploadRow): Promise<void> {
    await this.db.insertInto('direct_uploads').values(row).execute();
  }

  async get(id: string): Promise<DirectUploadRow | undefined> {
    return this.db.selectFrom('direct_uploads').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async setMultipartUploadId(id: string, uploadId: string): Promise<void> {
    await this.db
      .updateTable('direct_uploads')
      .set({ multipart_upload_id: uploadId })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('direct_uploads').where('id', '=', id).execute();
  }

  /**
   * Uploads to clean up: expired ones, and those whose file is no longer an upload in
   * progress (deleted, or completed by a process that stopped before forgetting the row).
   */
  async abandoned(now: string): Promise<DirectUploadRow[]> {
    return this.db
      .selectFrom('direct_uploads')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('expires_at', '<', now),
          eb.not(
            eb.exists(
              eb
                .selectFrom('files')
                .select('files.id')
                .whereRef('files.id', '=', 'direct_uploads.id')
                .where('files.upload_status', '=', 'uploading'),
            ),
          ),
        ]),
      )
      .execute();
  }
}
