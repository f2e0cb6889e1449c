/**
 * Index maintenance: rebuild from block 0, and compare with the ledger.
 */
import type { Network } from '../ledger/fabric-client';
import type { Pool } from 'pg';
import type { DeclarationResult } from '@clearance/chaincode/domain';
import { ApiError } from '../errors';
import { createContractClient } from '../ledger/contract';
import type { Ledger } from '../ledger/ledger';
import { startIndexer } from './listener';
import { createIndexStore, type IndexStore, type PoisonEvent } from './store';

/** Empties the index and replays every event from block 0; resolves once the replay goes quiet. */
export async function rebuildIndex(
  pool: Pool,
  network: Network,
  options: { channel: string; chaincode: string; quietMs?: number },
): Promise<number> {
  // Everything the events write (seals too); readings and operations are not derived.
  await pool.query('TRUNCATE ledger_events, declarations, seals, index_checkpoint, poison_events');
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

/** Every indexed declaration read back from the ledger; lists what disagrees. */
export async function compareIndex(
  pool: Pool,
  ledger: Ledger,
): Promise<{ checked: number; differences: Difference[]; poison: PoisonEvent[] }> {
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
  return { checked: rows.length, differences, poison: await createIndexStore(pool).poisonEvents() };
}
