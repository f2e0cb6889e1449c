/**
 * A transaction whose connection dies between two of its queries (PostgreSQL killed or
 * restarted): the caller gets the error and the process goes on, the pool makes a new
 * connection. Before, the checked-out client's 'error' had no listener and ended the
 * gateway (seen under `npm run faults`, PostgreSQL killed while readings were anchored).
 * And the sweep's pages of stale operations, which go on to the last one.
 */
import { migrate } from '@clearance/gateway';
import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../gateway/src/db';
import { createOperationStore } from '../../gateway/src/operations/store';
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

describe('stale operations, page by page', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('pages every pending operation once, oldest first, ties in one instant included', async () => {
    const store = createOperationStore(db.pool);
    const create = async () =>
      (
        await store.create({
          principalId: 'sweep-test',
          idempotencyKey: randomUUID(),
          requestSha256: 'x',
          kind: 'SELF_CHECK',
          accountId: 'gdcustoms/officer1',
          transaction: 'SelfCheck:Record',
          args: [],
          transient: {},
        })
      ).row.operation_id;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await create());
    // Three created in one instant: the page boundary falls among them.
    await db.pool.query(
      `UPDATE operations SET created_at = (SELECT created_at FROM operations WHERE operation_id = $1)
       WHERE operation_id = ANY($2::uuid[])`,
      [ids[2], [ids[3], ids[4]]],
    );
    const done = await create();
    await store.fail(done, null, { code: 'X', message: 'ended' });
    await db.pool.query("UPDATE operations SET updated_at = now() - interval '1 minute'");

    const pages: string[][] = [];
    for (let page = await store.stale(1_000, undefined, 2); page.length > 0;) {
      pages.push(page);
      page = await store.stale(1_000, page[page.length - 1], 2);
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    const tied = [ids[2], ids[3], ids[4]].sort();
    expect(pages.flat()).toEqual([ids[0], ids[1], ...tied, ids[5], ids[6]]);
    // Untouched for a minute: not stale when stale means 90 s.
    expect(await store.stale(60_000 + 30_000)).toEqual([]);
  });
});
