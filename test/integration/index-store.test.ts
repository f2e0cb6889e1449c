/**
 * The index store on a real PostgreSQL server: migrations up and down, every event
 * applied exactly once with its checkpoint in the same transaction, replays inserting
 * nothing, and a failure inside a transaction leaving neither rows nor checkpoint.
 */
import { DECLARATION_EVENT_OF, type Action } from '@clearance/domain';
import { MIGRATIONS, migrate } from '../../gateway/src/database/migrations';
import { listCrossings } from '../../gateway/src/projection/queries';
import { createIndexStore, type IndexedEvent } from '../../gateway/src/projection/store';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { Pool } from 'pg';

const event = (
  block: number,
  tx: string,
  state: string,
  action: Action,
  at = '2026-11-25T08:00:00Z',
  declarationId = 'GD-IDX-1',
): IndexedEvent => ({
  blockNumber: BigInt(block),
  transactionId: tx,
  eventName: DECLARATION_EVENT_OF[action],
  payload: {
    declarationId,
    version: 1,
    state,
    onHold: false,
    jurisdiction: 'GD',
    consignmentRef: 'UCR-IDX',
    action,
    actor: { mspId: 'GDCustomsMSP' },
    at,
  },
});

describe('index store on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  }, 60_000);

  const count = async (sql: string): Promise<number> =>
    Number((await db.pool.query<{ n: string }>(sql)).rows[0]?.n);
  const tables = () =>
    count(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('ledger_events','declarations','index_checkpoint')`,
    );

  it('migrates up and down', async () => {
    expect(await migrate(db.pool)).toBe(MIGRATIONS.length);
    expect(await tables()).toBe(3);
    expect(await migrate(db.pool, 0)).toBe(0);
    expect(await tables()).toBe(0);
    expect(await migrate(db.pool)).toBe(MIGRATIONS.length);
  });

  it('applies each event once, moves the checkpoint with it, and ignores replays', async () => {
    const store = createIndexStore(db.pool);
    expect((await store.checkpoint('clearance')).getBlockNumber()).toBeUndefined();
    expect(await store.apply('clearance', event(5, 'tx-a', 'SUBMITTED', 'FILE'))).toBe(true);
    expect(await store.apply('clearance', event(6, 'tx-b', 'ACCEPTED', 'ACCEPT'))).toBe(true);
    const checkpoint = await store.checkpoint('clearance');
    expect([checkpoint.getBlockNumber(), checkpoint.getTransactionId()]).toEqual([6n, 'tx-b']);

    // Replay after a crash: the same events again.
    expect(await store.apply('clearance', event(5, 'tx-a', 'SUBMITTED', 'FILE'))).toBe(false);
    expect(await store.apply('clearance', event(6, 'tx-b', 'ACCEPTED', 'ACCEPT'))).toBe(false);
    expect(await count('SELECT count(*) AS n FROM ledger_events')).toBe(2);
    const row = (await db.pool.query('SELECT state, block_number FROM declarations')).rows;
    expect(row).toEqual([{ state: 'ACCEPTED', block_number: '6' }]);
    expect((await store.checkpoint('clearance')).getBlockNumber()).toBe(6n);
  });

  it('records an event PostgreSQL refuses as poison: nothing of it indexed, the checkpoint past it', async () => {
    const store = createIndexStore(db.pool);
    expect(
      await store.apply(
        'clearance',
        event(7, 'tx-c', 'RISK_ASSESSED', 'ASSESS_RISK', 'not a time'),
      ),
    ).toBe(false);
    expect(await count(`SELECT count(*) AS n FROM ledger_events WHERE tx_id = 'tx-c'`)).toBe(0);
    expect((await db.pool.query('SELECT state FROM declarations')).rows).toEqual([
      { state: 'ACCEPTED' },
    ]);
    const [poison] = await store.poisonEvents('clearance');
    expect(poison).toMatchObject({
      blockNumber: '7',
      transactionId: 'tx-c',
      eventName: 'RiskAssessed',
    });
    expect(poison!.error.startsWith('22007:')).toBe(true); // invalid datetime format
    expect((await store.checkpoint('clearance')).getTransactionId()).toBe('tx-c');
    // The same transaction, readable, is indexed (as after a fix and a rebuild).
    expect(await store.apply('clearance', event(7, 'tx-c', 'RISK_ASSESSED', 'ASSESS_RISK'))).toBe(
      true,
    );
    expect((await db.pool.query('SELECT state FROM declarations')).rows).toEqual([
      { state: 'RISK_ASSESSED' },
    ]);
  });

  it('holds the declarations a seal alarm names, from old and new alarm payloads alike', async () => {
    const store = createIndexStore(db.pool);
    const alarm = (block: number, tx: string, extra: object) => ({
      blockNumber: BigInt(block),
      transactionId: tx,
      eventName: 'SealAlarmRaised',
      payload: {
        sealId: 'SEAL-1',
        deviceId: 'DEV-1',
        state: 'APPLIED',
        kind: 'TAMPER',
        heldDeclarations: ['GD-IDX-1'],
        ...extra,
      },
    });
    expect(await store.apply('clearance', alarm(8, 'tx-d', {}))).toBe(true);
    const held = (
      await db.pool.query('SELECT on_hold, last_action, last_actor_msp FROM declarations')
    ).rows;
    expect(held).toEqual([{ on_hold: true, last_action: 'HOLD', last_actor_msp: 'GDCustomsMSP' }]);
    await store.apply('clearance', event(9, 'tx-e', 'RISK_ASSESSED', 'UNHOLD'));
    await store.apply(
      'clearance',
      alarm(10, 'tx-f', { actor: { mspId: 'LogisticsMSP' }, at: '2026-11-25T09:00:00Z' }),
    );
    const again = (
      await db.pool.query('SELECT on_hold, last_actor_msp, block_number FROM declarations')
    ).rows;
    expect(again).toEqual([{ on_hold: true, last_actor_msp: 'LogisticsMSP', block_number: '10' }]);
  });

  it('applies a batch in one transaction; a poison event in it is set aside and the rest indexed', async () => {
    const store = createIndexStore(db.pool);
    const before = await count('SELECT count(*) AS n FROM ledger_events');
    // A bad event last: the good one before it is kept, the bad one recorded as poison.
    expect(
      await store.applyAll('clearance', [
        event(11, 'tx-batch-1', 'INSPECTED', 'RECORD_INSPECTION'),
        event(11, 'tx-batch-2', 'RELEASED', 'RELEASE', 'not a time'),
      ]),
    ).toEqual([true, false]);
    expect(await count('SELECT count(*) AS n FROM ledger_events')).toBe(before + 1);
    expect((await store.poisonEvents('clearance')).map((p) => p.transactionId)).toContain(
      'tx-batch-2',
    );
    expect((await store.checkpoint('clearance')).getTransactionId()).toBe('tx-batch-2');

    // A replayed event inside a batch, and one event twice: each is indexed once.
    const fresh = await store.applyAll('clearance', [
      event(9, 'tx-e', 'RISK_ASSESSED', 'UNHOLD'),
      event(11, 'tx-batch-1', 'INSPECTED', 'RECORD_INSPECTION'),
      event(11, 'tx-batch-1', 'INSPECTED', 'RECORD_INSPECTION'),
      event(12, 'tx-batch-2', 'RELEASED', 'RELEASE'),
    ]);
    expect(fresh).toEqual([false, false, false, true]);
    expect(await count('SELECT count(*) AS n FROM ledger_events')).toBe(before + 2);
    expect((await db.pool.query('SELECT state, block_number FROM declarations')).rows).toEqual([
      { state: 'RELEASED', block_number: '12' },
    ]);
    const checkpoint = await store.checkpoint('clearance');
    expect([checkpoint.getBlockNumber(), checkpoint.getTransactionId()]).toEqual([
      12n,
      'tx-batch-2',
    ]);
    expect(await store.applyAll('clearance', [])).toEqual([]);
  });

  it('fails, recording nothing, when the database itself fails (the listener then retries)', async () => {
    const unreachable = new Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    const before = await createIndexStore(db.pool).poisonEvents();
    await expect(
      createIndexStore(unreachable).applyAll('clearance', [
        event(20, 'tx-down', 'INSPECTED', 'RECORD_INSPECTION'),
      ]),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await unreachable.end();
    expect(await createIndexStore(db.pool).poisonEvents()).toEqual(before);
  });

  it('records an event whose payload was not JSON as poison, and indexes the next', async () => {
    const store = createIndexStore(db.pool);
    const unreadable: IndexedEvent = {
      blockNumber: 21n,
      transactionId: 'tx-garbled',
      eventName: 'DeclarationFiled',
      payload: '{garbled',
      payloadError: 'payload is not JSON',
    };
    expect(
      await store.applyAll('clearance', [unreadable, event(22, 'tx-next', 'CLOSED', 'CLOSE')]),
    ).toEqual([false, true]);
    const poison = await store.poisonEvents('clearance');
    expect(poison.find((p) => p.transactionId === 'tx-garbled')?.error).toContain(
      'payload is not JSON',
    );
    expect((await store.checkpoint('clearance')).getTransactionId()).toBe('tx-next');
  });

  it('projects by event name: a declaration event whose payload does not parse is poison', async () => {
    const store = createIndexStore(db.pool);
    const misshapen: IndexedEvent = {
      blockNumber: 23n,
      transactionId: 'tx-misshapen',
      eventName: 'DeclarationAccepted',
      payload: { declarationId: 'GD-IDX-1', state: 'ACCEPTED' },
    };
    const selfCheck: IndexedEvent = {
      blockNumber: 23n,
      transactionId: 'tx-self-check',
      eventName: 'SelfCheckRecorded',
      payload: { declarationId: 'GD-IDX-1', state: 'REJECTED', version: 9 },
    };
    expect(await store.applyAll('clearance', [misshapen, selfCheck])).toEqual([false, true]);
    const poison = await store.poisonEvents('clearance');
    expect(poison.find((p) => p.transactionId === 'tx-misshapen')?.eventName).toBe(
      'DeclarationAccepted',
    );
    // A payload shaped like a declaration's under another event name projects nothing.
    expect(
      (await db.pool.query("SELECT state FROM declarations WHERE declaration_id = 'GD-IDX-1'"))
        .rows,
    ).toEqual([{ state: 'CLOSED' }]);
  });

  it('keeps crossings from their decision and outcome events, pages them by time, and copies them in on upgrade', async () => {
    const store = createIndexStore(db.pool);
    const decided = (block: number, crossingId: string, decision: string, reasons: string[]) => ({
      blockNumber: BigInt(block),
      transactionId: `tx-${crossingId}`,
      eventName: 'CrossingDecided',
      payload: {
        crossingId,
        sealId: 'SEAL-1',
        conveyance: 'ZM1234',
        controlPoint: 'LMC',
        direction: 'NORTHBOUND',
        decision,
        reasons,
        declarationIds: ['GD-IDX-1'],
        at: `2026-11-25T10:0${block - 30}:00.000Z`,
      },
    });
    expect(await store.apply('clearance', decided(30, 'X-1', 'INSPECT', ['ALARM_TAMPER']))).toBe(
      true,
    );
    expect(await store.apply('clearance', decided(30, 'X-1', 'INSPECT', ['ALARM_TAMPER']))).toBe(
      false,
    );
    expect(await store.apply('clearance', decided(31, 'X-2', 'GO', []))).toBe(true);
    await store.apply('clearance', {
      blockNumber: 32n,
      transactionId: 'tx-X-1-outcome',
      eventName: 'CrossingInspectionRecorded',
      payload: {
        crossingId: 'X-1',
        sealId: 'SEAL-1',
        controlPoint: 'LMC',
        outcome: 'HOLD',
        reason: 'goods short',
        heldDeclarations: ['GD-IDX-1'],
        actor: { mspId: 'HKCustomsMSP' },
        at: '2026-11-25T10:05:00.000Z',
      },
    });
    const crossings = async () =>
      (
        await db.pool.query(
          'SELECT crossing_id, decision, reasons, inspection, outcome_reason, outcome_tx_id FROM crossings ORDER BY 1',
        )
      ).rows;
    const expected = [
      {
        crossing_id: 'X-1',
        decision: 'INSPECT',
        reasons: ['ALARM_TAMPER'],
        inspection: 'HOLD',
        outcome_reason: 'goods short',
        outcome_tx_id: 'tx-X-1-outcome',
      },
      {
        crossing_id: 'X-2',
        decision: 'GO',
        reasons: [],
        inspection: null,
        outcome_reason: null,
        outcome_tx_id: null,
      },
    ];
    expect(await crossings()).toEqual(expected);
    // The HOLD held the declaration it names (the declaration has no event of its own).
    expect(
      (
        await db.pool.query(
          "SELECT on_hold, last_action, last_actor_msp FROM declarations WHERE declaration_id = 'GD-IDX-1'",
        )
      ).rows,
    ).toEqual([{ on_hold: true, last_action: 'HOLD', last_actor_msp: 'HKCustomsMSP' }]);

    // Keyset pages, oldest first; a cursor the API did not give is refused.
    const first = await listCrossings(db.pool, { controlPoint: 'LMC', limit: 1 });
    expect(first?.items.map((c) => [c.crossingId, c.inspection, c.at])).toEqual([
      ['X-1', 'HOLD', '2026-11-25T10:00:00.000Z'],
    ]);
    const second = await listCrossings(db.pool, {
      controlPoint: 'LMC',
      limit: 1,
      cursor: first?.nextCursor as string,
    });
    expect(second).toMatchObject({ items: [{ crossingId: 'X-2' }], nextCursor: null });
    expect(
      (await listCrossings(db.pool, { since: '2026-11-25T10:00:30.000Z', limit: 10 }))?.items.map(
        (c) => c.crossingId,
      ),
    ).toEqual(['X-2']);
    for (const bad of ['nope', '2026-99-99T00:00:00.000Z|X-1', '0000-01-01T00:00:00.000Z|X-1'])
      expect(
        await listCrossings(db.pool, { limit: 1, cursor: Buffer.from(bad).toString('base64url') }),
      ).toBeUndefined();
    expect((await listCrossings(db.pool, { limit: 10, signerId: 'someone-else' }))?.items).toEqual(
      [],
    );
    // The signer of the declaration both crossings cover sees both.
    await db.pool.query(
      "UPDATE declarations SET signer_id = 'trader-signer-id' WHERE declaration_id = 'GD-IDX-1'",
    );
    expect(
      (await listCrossings(db.pool, { limit: 10, signerId: 'trader-signer-id' }))?.items.map(
        (c) => c.crossingId,
      ),
    ).toEqual(['X-1', 'X-2']);

    // An outcome for a crossing the index never saw decided is poison, not lost.
    expect(
      await store.apply('clearance', {
        blockNumber: 33n,
        transactionId: 'tx-X-GONE-outcome',
        eventName: 'CrossingInspectionRecorded',
        payload: {
          crossingId: 'X-GONE',
          sealId: 'SEAL-1',
          controlPoint: 'LMC',
          outcome: 'CLEARED',
          reason: '',
          heldDeclarations: [],
          actor: { mspId: 'HKCustomsMSP' },
          at: '2026-11-25T10:06:00.000Z',
        },
      }),
    ).toBe(false);
    expect(
      (await store.poisonEvents('clearance')).find((p) => p.transactionId === 'tx-X-GONE-outcome'),
    ).toMatchObject({
      eventName: 'CrossingInspectionRecorded',
      error: expect.stringContaining('X-GONE'),
    });
    expect((await store.checkpoint('clearance')).getTransactionId()).toBe('tx-X-GONE-outcome');

    // A database from before version 7 gets the crossings already in ledger_events, and the
    // hold the inspection put on a declaration whose row is older than the hold.
    const reMigrate = async (declarationBlock: number) => {
      expect(await migrate(db.pool, 6)).toBe(6);
      await db.pool.query(
        "UPDATE declarations SET on_hold = false, last_action = 'ACCEPT', block_number = $1 WHERE declaration_id = 'GD-IDX-1'",
        [declarationBlock],
      );
      expect(await migrate(db.pool)).toBe(MIGRATIONS.length);
      return (
        await db.pool.query(
          "SELECT on_hold, last_action, block_number::int AS block FROM declarations WHERE declaration_id = 'GD-IDX-1'",
        )
      ).rows[0];
    };
    expect(await reMigrate(31)).toEqual({ on_hold: true, last_action: 'HOLD', block: 32 });
    expect(await crossings()).toEqual(expected);
    // A declaration row written after the hold is left as it is.
    expect(await reMigrate(40)).toEqual({ on_hold: false, last_action: 'ACCEPT', block: 40 });
    // Listing without a control point has its own index.
    expect(
      (
        await db.pool.query("SELECT indexdef FROM pg_indexes WHERE tablename = 'crossings'")
      ).rows.map((r: { indexdef: string }) => r.indexdef.replace(/^.* USING /, '')),
    ).toContain('btree (decided_at, crossing_id)');

    // Decisions at the same instant are paged in id order, none lost or repeated.
    for (const id of ['X-T2', 'X-T1', 'X-T3'])
      await store.apply('clearance', {
        ...decided(34, id, 'GO', []),
        payload: {
          ...decided(34, id, 'GO', []).payload,
          controlPoint: 'HGG',
          at: '2026-11-25T11:00:00.000Z',
        },
      });
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listCrossings(db.pool, {
        controlPoint: 'HGG',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page?.items.map((c) => c.crossingId) ?? []);
      cursor = page?.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual([['X-T1', 'X-T2'], ['X-T3']]);
  });

  it("projects a CLEARED outcome's unholds onto the declarations it names, and a later replay of the hold changes nothing", async () => {
    const store = createIndexStore(db.pool);
    const id = 'GD-IDX-CLR';
    await store.apply(
      'clearance',
      event(40, 'tx-clr-file', 'RELEASE_ELIGIBLE', 'MARK_RELEASE_ELIGIBLE', undefined, id),
    );
    await store.apply('clearance', {
      blockNumber: 41n,
      transactionId: 'tx-clr-alarm',
      eventName: 'SealAlarmRaised',
      payload: {
        sealId: 'SEAL-CLR',
        deviceId: 'EL-CLR',
        state: 'APPLIED',
        kind: 'TAMPER',
        heldDeclarations: [id],
        actor: { mspId: 'LogisticsMSP' },
        at: '2026-11-25T12:00:00.000Z',
      },
    });
    await store.apply('clearance', {
      blockNumber: 42n,
      transactionId: 'tx-clr-decide',
      eventName: 'CrossingDecided',
      payload: {
        crossingId: 'X-CLR',
        sealId: 'SEAL-CLR',
        controlPoint: 'LMC',
        direction: 'NORTHBOUND',
        decision: 'INSPECT',
        reasons: ['ALARM_TAMPER', 'DECLARATION_HELD'],
        declarationIds: [id],
        at: '2026-11-25T12:01:00.000Z',
      },
    });
    const row = async () =>
      (
        await db.pool.query(
          'SELECT on_hold, last_action, last_actor_msp, block_number FROM declarations WHERE declaration_id = $1',
          [id],
        )
      ).rows[0];
    expect(await row()).toMatchObject({ on_hold: true, last_action: 'HOLD' });
    await store.apply('clearance', {
      blockNumber: 43n,
      transactionId: 'tx-clr-outcome',
      eventName: 'CrossingInspectionRecorded',
      payload: {
        crossingId: 'X-CLR',
        sealId: 'SEAL-CLR',
        controlPoint: 'LMC',
        outcome: 'CLEARED',
        reason: '',
        heldDeclarations: [],
        unheldDeclarations: [id],
        clearedAlarms: [{ kind: 'TAMPER', txId: 'tx-clr-alarm' }],
        actor: { mspId: 'GDCustomsMSP' },
        at: '2026-11-25T12:10:00.000Z',
      },
    });
    const unheld = {
      on_hold: false,
      last_action: 'UNHOLD',
      last_actor_msp: 'GDCustomsMSP',
      block_number: '43',
    };
    expect(await row()).toEqual(unheld);
    // The alarm's event again (a rebuild racing a replay): older, so it changes nothing.
    await db.pool.query("DELETE FROM ledger_events WHERE tx_id = 'tx-clr-alarm'");
    await store.apply('clearance', {
      blockNumber: 41n,
      transactionId: 'tx-clr-alarm',
      eventName: 'SealAlarmRaised',
      payload: {
        sealId: 'SEAL-CLR',
        deviceId: 'EL-CLR',
        state: 'APPLIED',
        kind: 'TAMPER',
        heldDeclarations: [id],
        actor: { mspId: 'LogisticsMSP' },
      },
    });
    expect(await row()).toEqual(unheld);
  });
  it('indexes a busy block in ledger order: a declaration twice in it ends at its later event, other events between', async () => {
    const store = createIndexStore(db.pool);
    const [a, b, c] = ['GD-IDX-RUN-A', 'GD-IDX-RUN-B', 'GD-IDX-RUN-C'];
    const at = '2026-11-26T08:00:00Z';
    const selfCheck: IndexedEvent = {
      blockNumber: 30n,
      transactionId: 'tx-run-check',
      eventName: 'SelfCheckRecorded',
      payload: { checkId: 'run' },
    };
    const batch = [
      event(30, 'tx-run-1', 'SUBMITTED', 'FILE', at, a),
      event(30, 'tx-run-2', 'SUBMITTED', 'FILE', at, b),
      event(30, 'tx-run-3', 'ACCEPTED', 'ACCEPT', at, a),
      selfCheck,
      event(30, 'tx-run-4', 'SUBMITTED', 'FILE', at, c),
      event(30, 'tx-run-4', 'SUBMITTED', 'FILE', at, c),
      event(30, 'tx-run-5', 'ACCEPTED', 'ACCEPT', at, b),
    ];
    expect(await store.applyAll('clearance', batch)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      true,
    ]);
    const { rows } = await db.pool.query<{ declaration_id: string; state: string; tx_id: string }>(
      'SELECT declaration_id, state, tx_id FROM declarations WHERE declaration_id = ANY($1) ORDER BY 1',
      [[a, b, c]],
    );
    expect(rows).toEqual([
      { declaration_id: a, state: 'ACCEPTED', tx_id: 'tx-run-3' },
      { declaration_id: b, state: 'ACCEPTED', tx_id: 'tx-run-5' },
      { declaration_id: c, state: 'SUBMITTED', tx_id: 'tx-run-4' },
    ]);
    // The event stream's order (seq) is the ledger's.
    const order = await db.pool.query<{ tx_id: string }>(
      "SELECT tx_id FROM ledger_events WHERE tx_id LIKE 'tx-run-%' ORDER BY seq",
    );
    expect(order.rows.map((r) => r.tx_id)).toEqual([
      'tx-run-1',
      'tx-run-2',
      'tx-run-3',
      'tx-run-check',
      'tx-run-4',
      'tx-run-5',
    ]);
    // Replayed whole: nothing new, nothing changed.
    expect(await store.applyAll('clearance', batch)).toEqual(batch.map(() => false));
  });
});
