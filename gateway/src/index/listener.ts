/**
 * Feeds the index from the ledger: chaincode events from the stored checkpoint on, each
 * applied with its checkpoint in one database transaction; reconnects after failures.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import type { IndexedEvent, IndexStore } from './store';

export interface IndexerOptions {
  network: Network;
  channel: string;
  chaincode: string;
  store: IndexStore;
  onError?(error: unknown): void;
  /** After each event is in the index (metrics: how far behind the ledger it came). */
  onApplied?(event: IndexedEvent): void;
  retryDelayMs?: number;
}

export interface Indexer {
  /** Stops reading events; resolves when the loop has ended. */
  stop(): Promise<void>;
}

export function startIndexer(options: IndexerOptions): Indexer {
  let stopped = false;
  let closeEvents: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      try {
        const checkpoint = await options.store.checkpoint(options.channel);
        const events = await options.network.getChaincodeEvents(options.chaincode, {
          checkpoint,
          startBlock: 0n,
        });
        closeEvents = () => events.close();
        for await (const event of events) {
          const indexed: IndexedEvent = {
            blockNumber: event.blockNumber,
            transactionId: event.transactionId,
            eventName: event.eventName,
            payload: JSON.parse(Buffer.from(event.payload).toString()) as unknown,
          };
          await options.store.apply(options.channel, indexed);
          options.onApplied?.(indexed);
        }
      } catch (error) {
        if (stopped) break;
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 1000));
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      closeEvents?.();
      await loop;
    },
  };
}
