import type { PgServerInfo } from '@stowage/test-pg-server';
import { createTestDatabase } from '@stowage/test-pg-server';
import pg from 'pg';
import {
  advisoryLockKey,
  POSTGRES_LOCKER_DEFAULTS,
  PostgresLocker,
  type PostgresLockerOptions,
} from '../src/index.js';

/**
 * A database of its own, lockers on it that are closed at the end, and a connection
 * of the test's own to look at (and end) the lockers' sessions.
 */
export async function lockerDatabase(server: PgServerInfo, label: string) {
  const database = await createTestDatabase(server, label);
  const admin = new pg.Client({ connectionString: database.connectionString });
  await admin.connect();
  const lockers: PostgresLocker[] = [];

  /** The sessions that hold the advisory lock of `id` (pg_locks shows two-int4 keys unsigned, objsubid 2). */
  const holderPids = async (id: string, namespace: string = POSTGRES_LOCKER_DEFAULTS.namespace) => {
    const [high, low] = advisoryLockKey(namespace, id);
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND classid = $1::bigint::oid AND objid = $2::bigint::oid`,
      [high >>> 0, low >>> 0],
    );
    return rows.map((row) => row.pid);
  };

  return {
    connectionString: database.connectionString,
    admin,
    holderPids,
    createLocker(options: Partial<PostgresLockerOptions> = {}): PostgresLocker {
      const locker = new PostgresLocker({ connection: database.connectionString, ...options });
      lockers.push(locker);
      return locker;
    },
    /** Ends the session holding `id`'s lock from the server's side, as when its instance dies. */
    async terminateHolder(id: string): Promise<void> {
      const pids = await holderPids(id);
      if (pids.length !== 1) throw new Error(`Expected one session holding "${id}", found ${pids.length}`);
      await admin.query('SELECT pg_terminate_backend($1)', [pids[0]]);
    },
    /** The sessions a locker opened, by the application_name the test gave it. */
    async sessions(applicationName: string): Promise<number> {
      const { rows } = await admin.query<{ count: string }>(
        'SELECT count(*) FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      return Number(rows[0]?.count);
    },
    async cleanup(): Promise<void> {
      await Promise.all(lockers.map((locker) => locker.close()));
      await admin.end();
      await database.drop();
    },
  };
}
