import type { Kysely } from 'kysely';
import type { Database, UploadPartialRow } from './schema.js';

/** Every query on the `upload_partials` table. */
export class UploadPartials {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: UploadPartialRow): Promise<void> {
    await this.db.insertInto('upload_partials').values(row).execute();
  }

  async get(id: string): Promise<UploadPartialRow | undefined> {
    return this.db.selectFrom('upload_partials').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom('upload_partials').where('id', 'in', ids).execute();
  }

  /** Partials created before `before`: their stores expire them, their rows go too. */
  async deleteCreatedBefore(before: string): Promise<void> {
    await this.db.deleteFrom('upload_partials').where('created_on', '<', before).execute();
  }
}
