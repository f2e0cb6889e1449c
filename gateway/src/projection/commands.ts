/**
 * Index maintenance: rebuild from block 0, and compare with the ledger.
 */
import type { Network } from '../ledger/fabric-client';
import type { Pool } from 'pg';
import type { DeclarationResult } from '@clearance/chaincode/domain';
import { ApiError } from '../errors';
import { createContractClient, type ContractClient } from '../ledger/contract';
import type { Ledger } from '../ledger/ledger';
import { startIndexer } from './listener';
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
  const { rows } = await pool.query<{
    declaration_id: string;
    state: string;
    version: number;
    on_hold: boolean;
  }>('SELECT declaration_id, state, version, on_hold FROM declarations ORDER BY declaration_id');
  const differences: Difference[] = [];
  const contract = createContractClient(ledger);
  for (const row of rows) {
    let record: DeclarationResult;
    try {
      record = await contract.declaration.get(row.declaration_id);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'NOT_FOUND')) throw error;
      differences.push({
        declarationId: row.declaration_id,
        field: 'exists',
        index: true,
        ledger: false,
      });
      continue;
    }
    const pairs: [string, unknown, unknown][] = [
      ['state', row.state, record.state],
      ['version', row.version, record.version],
      ['onHold', row.on_hold, record.hold !== null],
    ];
    for (const [field, index, onLedger] of pairs) {
      if (index !== onLedger)
        differences.push({ declarationId: row.declaration_id, field, index, ledger: onLedger });
    }
  }
  const crossings = await compareCrossings(pool, ledger);
  return {
    checked: rows.length,
    differences,
    crossingsChecked: crossings.checked,
    crossingDifferences: crossings.differences,
    poison: await createIndexStore(pool).poisonEvents(),
  };
}

async function compareCrossings(
  pool: Pool,
  ledger: Ledger,
): Promise<{ checked: number; differences: CrossingDifference[] }> {
  const { rows } = await pool.query<{
    crossing_id: string;
    seal_id: string;
    control_point: string;
    decision: string;
    reasons: string[];
    inspection: string | null;
  }>(
    'SELECT crossing_id, seal_id, control_point, decision, reasons, inspection FROM crossings ORDER BY crossing_id',
  );
  const contract = createContractClient(ledger);
  const differences: CrossingDifference[] = [];
  for (const row of rows) {
    let record: Awaited<ReturnType<ContractClient['crossing']['get']>>;
    try {
      record = await contract.crossing.get(row.crossing_id);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'NOT_FOUND')) throw error;
      differences.push({
        crossingId: row.crossing_id,
        field: 'exists',
        index: true,
        ledger: false,
      });
      continue;
    }
    const pairs: [string, unknown, unknown][] = [
      ['sealId', row.seal_id, record.sealId],
      ['controlPoint', row.control_point, record.controlPoint],
      ['decision', row.decision, record.decision],
      ['reasons', row.reasons.join(','), record.reasons.join(',')],
      ['inspection', row.inspection, record.inspection?.status ?? null],
    ];
    for (const [field, index, onLedger] of pairs) {
      if (index !== onLedger)
        differences.push({ crossingId: row.crossing_id, field, index, ledger: onLedger });
    }
  }
  return { checked: rows.length, differences };
}
