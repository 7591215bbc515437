import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../src/index.js';

const server = inject('pgServer');

async function query<Row extends pg.QueryResultRow>(
  connectionString: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!server)('PostgreSQL test server', () => {
  it('answers queries', async () => {
    expect(await query(server!.connectionString, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('creates a database of its own for a test, and drops it', async () => {
    const database = await createTestDatabase(server!, 'Test DBs');
    const [row] = await query<{ name: string }>(
      database.connectionString,
      'SELECT current_database() AS name',
    );
    expect(row?.name).toMatch(/^test_dbs_[0-9a-f-]{12}$/);

    await database.drop();
    const left = await query(server!.connectionString, 'SELECT 1 FROM pg_database WHERE datname = $1', [
      row?.name,
    ]);
    expect(left).toEqual([]);
  });

  it('drops a database even while a connection to it is still open', async () => {
    const database = await createTestDatabase(server!, 'open');
    const forgotten = new pg.Client({ connectionString: database.connectionString });
    forgotten.on('error', () => {}); // the server ends this session on drop
    await forgotten.connect();
    await expect(database.drop()).resolves.toBeUndefined();
    await forgotten.end();
  });
});
