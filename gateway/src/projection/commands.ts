/**
 * Index maintenance: rebuild from block 0, and compare with the ledger.
 */
import type { Network } from '@clearance/fabric-client';
import type { Pool } from 'pg';
import { createContractClient } from '../ports/contract';
import { ledgerRefusal, type Ledger } from '../ports/ledger';
import { startIndexer } from './listener';
import type { CrossingRow } from './queries';
import { createIndexStore, type IndexStore, type PoisonEvent } from './store';

/** Empties the index and replays every event from block 0; resolves once the replay goes quiet. */
export async function rebuildIndex(
  pool: Pool,
  network: Network,
  options: { channel: string; chaincode: string; quietMs?: number },
): Promise<number> {
  // Everything the events write (seals and crossings too); readings and operations are not derived.
  await pool.query(
    'TRUNCATE ledger_events, declarations, seals, crossings, index_checkpoint, poison_events',
  );
  const store = createIndexStore(pool);
  let applied = 0;
  let last = Date.now();
  const counting: IndexStore = {
    ...store,
    async applyAll(channel, events) {
      const fresh = await store.applyAll(channel, events);
      applied += fresh.filter(Boolean).length;
      last = Date.now();
      return fresh;
    },
  };
  const indexer = startIndexer({
    network,
    channel: options.channel,
    chaincode: options.chaincode,
    store: counting,
  });
  while (Date.now() - last < (options.quietMs ?? 3000))
    await new Promise((r) => setTimeout(r, 250));
  await indexer.stop();
  return applied;
}

export interface Difference {
  declarationId: string;
  field: string;
  index: unknown;
  ledger: unknown;
}

export interface CrossingDifference {
  crossingId: string;
  field: string;
  index: unknown;
  ledger: unknown;
}

type Mismatch = { id: string; field: string; index: unknown; ledger: unknown };

/**
 * Each indexed row read back from the ledger: a row the ledger does not have, or a field
 * where the two disagree, is a mismatch.
 */
async function compareRows<Row, Record>(
  rows: readonly Row[],
  idOf: (row: Row) => string,
  read: (id: string) => Promise<Record>,
  fields: (row: Row, record: Record) => [string, unknown, unknown][],
): Promise<Mismatch[]> {
  const mismatches: Mismatch[] = [];
  for (const row of rows) {
    const id = idOf(row);
    let record: Record;
    try {
      record = await read(id);
    } catch (error) {
      if (ledgerRefusal(error) !== 'NOT_FOUND') throw error;
      mismatches.push({ id, field: 'exists', index: true, ledger: false });
      continue;
    }
    for (const [field, index, ledger] of fields(row, record))
      if (index !== ledger) mismatches.push({ id, field, index, ledger });
  }
  return mismatches;
}

/** Every indexed declaration and crossing read back from the ledger; lists what disagrees. */
export async function compareIndex(
  pool: Pool,
  ledger: Ledger,
): Promise<{
  checked: number;
  differences: Difference[];
  crossingsChecked: number;
  crossingDifferences: CrossingDifference[];
  poison: PoisonEvent[];
}> {
  const contract = createContractClient(ledger);
  const { rows: declarations } = await pool.query<{
    declaration_id: string;
    state: string;
    version: number;
    on_hold: boolean;
  }>('SELECT declaration_id, state, version, on_hold FROM declarations ORDER BY declaration_id');
  const differences = await compareRows(
    declarations,
    (row) => row.declaration_id,
    (id) => contract.declaration.get(id),
    (row, record): [string, unknown, unknown][] => [
      ['state', row.state, record.state],
      ['version', row.version, record.version],
      ['onHold', row.on_hold, record.hold !== null],
    ],
  );
  const { rows: crossings } = await pool.query<
    Pick<
      CrossingRow,
      | 'crossing_id'
      | 'seal_id'
      | 'control_point'
      | 'direction'
      | 'decision'
      | 'reasons'
      | 'declaration_ids'
      | 'decided_at'
      | 'inspection'
      | 'outcome_reason'
    >
  >(
    `SELECT crossing_id, seal_id, control_point, direction, decision, reasons, declaration_ids,
            decided_at, inspection, outcome_reason
     FROM crossings ORDER BY crossing_id`,
  );
  const crossingDifferences = await compareRows(
    crossings,
    (row) => row.crossing_id,
    (id) => contract.crossing.get(id),
    (row, record): [string, unknown, unknown][] => [
      ['sealId', row.seal_id, record.sealId],
      ['controlPoint', row.control_point, record.controlPoint],
      ['direction', row.direction, record.direction],
      ['decision', row.decision, record.decision],
      ['reasons', row.reasons.join(','), record.reasons.join(',')],
      [
        'declarationIds',
        row.declaration_ids.join(','),
        record.declarations.map((d) => d.declarationId).join(','),
      ],
      ['decidedAt', row.decided_at.toISOString(), new Date(record.decided.at).toISOString()],
      ['inspection', row.inspection, record.inspection?.status ?? null],
      ['outcomeReason', row.outcome_reason, record.inspection?.outcome?.reason ?? null],
    ],
  );
  return {
    checked: declarations.length,
    differences: differences.map(({ id, ...d }) => ({ declarationId: id, ...d })),
    crossingsChecked: crossings.length,
    crossingDifferences: crossingDifferences.map(({ id, ...d }) => ({ crossingId: id, ...d })),
    poison: await createIndexStore(pool).poisonEvents(),
  };
}
