/** Feeds an index from the in-memory ledger twin's events, as the block listener does from Fabric. */
import type { MemoryLedger } from '@clearance/testkit/chaincode';
import { createIndexStore } from '@clearance/gateway';
import type { Pool } from 'pg';

/**
 * Each call indexes the events emitted since the last one, one block per event, in one
 * database transaction (one checkpoint, the last event's).
 */
export function memoryIndexFeed(chain: MemoryLedger, pool: () => Pool): () => Promise<void> {
  let indexed = 0;
  return async () => {
    const from = indexed;
    const pending = chain.events.slice(from);
    await createIndexStore(pool()).applyAll(
      'clearance',
      pending.map((e, i) => ({
        blockNumber: BigInt(from + i + 1),
        transactionId: e.txId,
        eventName: e.name,
        payload: JSON.parse(e.payload) as unknown,
      })),
    );
    indexed = from + pending.length;
  };
}
