import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { ApiEnv } from '../config/env.js';
import { migrateToLatest } from './migrations.js';
import { openNodeSqlite } from './node-sqlite.js';
import type { Database } from './schema.js';

const PG_INT8 = 20;

/** Opens the metadata database the configuration names and brings its schema up to date. */
export async function openDatabase(env: ApiEnv): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({ dialect: env.DB_CLIENT === 'pg' ? await postgres(env) : sqlite(env) });
  await migrateToLatest(db as Kysely<unknown>);
  return db;
}

function sqlite(env: ApiEnv): SqliteDialect {
  const filename = env.DB_FILENAME ?? join(env.DATA_DIR, 'database.sqlite');
  mkdirSync(dirname(filename), { recursive: true });
  return new SqliteDialect({ database: openNodeSqlite(filename) });
}

/** pg is imported only when used: a SQLite deployment does not carry it in memory. */
async function postgres(env: ApiEnv): Promise<PostgresDialect> {
  const { default: pg } = await import('pg');
  return new PostgresDialect({
    pool: new pg.Pool({
      connectionString: env.DB_CONNECTION_STRING,
      // File sizes are bigint columns; pg hands them out as strings unless told otherwise.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === PG_INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    }),
  });
}
