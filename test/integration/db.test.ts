/**
 * A transaction whose connection dies between two of its queries (PostgreSQL killed or
 * restarted): the caller gets the error and the process goes on, the pool makes a new
 * connection. Before, the checked-out client's 'error' had no listener and ended the
 * gateway (seen under `npm run faults`, PostgreSQL killed while readings were anchored).
 */
import { inTransaction } from '../../gateway/src/db';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('inTransaction when the connection dies', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('rejects with the failure, and the pool serves the next query', async () => {
    const failure = await inTransaction(db.pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const ended = new Promise((resolve) => client.once('end', resolve));
      await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      // No query of this client is running while its connection goes.
      await ended;
      await client.query('SELECT 1');
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const { rows } = await db.pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });
});
