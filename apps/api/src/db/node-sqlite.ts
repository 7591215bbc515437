import { DatabaseSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite dialect speaks better-sqlite3's interface; Node's built-in
 * `node:sqlite` (no native addon to install) differs only in spreading parameters and
 * in telling readers apart by their columns.
 */
export function openNodeSqlite(filename: string): SqliteDatabase {
  const database = new DatabaseSync(filename);
  // WAL: readers (asset downloads) never wait for a writer (an upload finishing).
  database.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  return {
    close: () => database.close(),
    prepare(sql): SqliteStatement {
      const statement = database.prepare(sql);
      type Params = Parameters<typeof statement.all>;
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...(parameters as Params)),
        run: (parameters) => statement.run(...(parameters as Params)),
        iterate: (parameters) => statement.iterate(...(parameters as Params)),
      };
    },
  };
}
