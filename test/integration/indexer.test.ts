/**
 * The index fed from the real ledger: declaration events reach PostgreSQL; events
 * committed while the indexer is down are picked up from the checkpoint after a restart,
 * none twice; the index agrees with the ledger.
 */
import type { DeclarationRecord } from '@clearance/domain';
import { connectGateway, loadConfig, type Ledger } from '@clearance/gateway';
import { Devnet, REPO_ROOT } from '@clearance/devnet';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { compareIndex, rebuildIndex } from '../../gateway/src/projection/commands';
import { startIndexer, type Indexer } from '../../gateway/src/projection/listener';
import { migrate } from '../../gateway/src/database/migrations';
import { createIndexStore } from '../../gateway/src/projection/store';
import { fileGd, officerLedgers, trustedPki } from '../support/devnet-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('indexer on the devnet', () => {
  const devnet = new Devnet({ log: () => undefined });
  const run = randomUUID().slice(0, 8).toUpperCase();
  const id = `GD-${run}-IDX`;
  let db: TestDatabase;
  const ledgers = officerLedgers(devnet);
  let officer: Ledger;
  let gatewayConnection: ReturnType<typeof connectGateway>;
  let indexer: Indexer | undefined;
  const connection = (who: string) =>
    loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(who) }).fabric;

  beforeAll(async () => {
    await devnet.up();
    db = await createTestDatabase();
    await migrate(db.pool);
    officer = ledgers.as('gdcustoms/officer1');
    await fileGd(ledgers.as, await trustedPki(ledgers.as, run), id);
    gatewayConnection = connectGateway(connection('gdcustoms/officer1'));
  }, 300_000);

  afterAll(async () => {
    await indexer?.stop();
    gatewayConnection?.gateway.close();
    gatewayConnection?.client.close();
    await ledgers.closeAll();
    await db?.drop();
  }, 60_000);

  const start = () =>
    startIndexer({
      network: gatewayConnection.gateway.getNetwork('clearance'),
      channel: 'clearance',
      chaincode: 'clearance',
      store: createIndexStore(db.pool),
    });

  async function indexedState(expected: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await db.pool.query<{ state: string }>(
        'SELECT state FROM declarations WHERE declaration_id = $1',
        [id],
      );
      if (rows[0]?.state === expected) return;
      if (Date.now() > deadline)
        throw new Error(`index has ${rows[0]?.state ?? 'nothing'} for ${id}, not ${expected}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('indexes, resumes from its checkpoint after a stop, and never twice', async () => {
    indexer = start();
    await officer.submit('Declaration:Accept', [id, 'ok']);
    await indexedState('ACCEPTED');
    await indexer.stop();
    indexer = undefined;

    await officer.submit('Declaration:AssessRisk', [id, 'LOW', '3', '']); // while the indexer is down
    indexer = start();
    await indexedState('RISK_ASSESSED');

    const { rows } = await db.pool.query<{ event_name: string }>(
      `SELECT event_name FROM ledger_events WHERE payload->>'declarationId' = $1 ORDER BY block_number`,
      [id],
    );
    expect(rows.map((r) => r.event_name)).toEqual([
      'DeclarationFiled',
      'DeclarationAccepted',
      'RiskAssessed',
    ]);
    const onLedger = JSON.parse(
      await officer.evaluate('Declaration:Get', [id]),
    ) as DeclarationRecord;
    const { rows: indexed } = await db.pool.query(
      'SELECT state, version, on_hold FROM declarations WHERE declaration_id = $1',
      [id],
    );
    expect(indexed).toEqual([
      { state: onLedger.state, version: onLedger.version, on_hold: onLedger.hold !== null },
    ]);
  }, 120_000);

  it('rebuilds from block 0 to the same contents, and compares equal with the ledger', async () => {
    await indexer?.stop();
    indexer = undefined;
    // Declarations and crossings (those of every test run on this devnet's chain).
    const snapshot = async () => [
      (
        await db.pool.query(
          'SELECT declaration_id, state, version, tx_id FROM declarations ORDER BY 1',
        )
      ).rows,
      (
        await db.pool.query(
          'SELECT crossing_id, decision, reasons, inspection, outcome_tx_id, tx_id FROM crossings ORDER BY 1',
        )
      ).rows,
    ];
    const before = await snapshot();
    const events = Number(
      (await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger_events')).rows[0]?.n,
    );
    const replayed = await rebuildIndex(
      db.pool,
      gatewayConnection.gateway.getNetwork('clearance'),
      {
        channel: 'clearance',
        chaincode: 'clearance',
        quietMs: 2000,
      },
    );
    expect(replayed).toBe(events);
    expect(await snapshot()).toEqual(before);
    const { checked, differences, crossingsChecked, crossingDifferences } = await compareIndex(
      db.pool,
      officer,
    );
    expect([checked, crossingsChecked]).toEqual([before[0]?.length, before[1]?.length]);
    expect(differences).toEqual([]);
    expect(crossingDifferences).toEqual([]);
    // The command line compares the same, given the database and a connection file only.
    const cli = spawnSync(process.execPath, ['gateway/dist/projection/cli.js', 'compare'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        FABRIC_CONNECTION: devnet.connectionFile('gdcustoms/officer1'),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect([cli.status, cli.stderr]).toEqual([0, '']);
    expect(cli.stdout).toContain(
      `${before[0]?.length} declarations and ${before[1]?.length} crossings checked, 0 differences, 0 poison events`,
    );
    // A row changed behind the indexer's back is reported.
    await db.pool.query(`UPDATE declarations SET state = 'CLOSED' WHERE declaration_id = $1`, [id]);
    expect((await compareIndex(db.pool, officer)).differences).toEqual([
      { declarationId: id, field: 'state', index: 'CLOSED', ledger: 'RISK_ASSESSED' },
    ]);
  }, 120_000);
});
