/** Feeds an index from the in-memory ledger twin's events, as the block listener does from Fabric. */
import type { MemoryLedger } from '@clearance/chaincode/testing';
import { createIndexStore } from '@clearance/gateway';
import type { Pool } from 'pg';

/** Each call indexes the events emitted since the last one, one block per event. */
export function memoryIndexFeed(chain: MemoryLedger, pool: () => Pool): () => Promise<void> {
  let indexed = 0;
  return async () => {
    const store = createIndexStore(pool());
    for (; indexed < chain.events.length; indexed++) {
      const e = chain.events[indexed]!;
      await store.apply('clearance', {
        blockNumber: BigInt(indexed + 1),
        transactionId: e.txId,
        eventName: e.name,
        payload: JSON.parse(e.payload) as unknown,
      });
    }
  };
}
