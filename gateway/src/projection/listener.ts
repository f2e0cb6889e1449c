/**
 * Feeds the index from the ledger: chaincode events from the stored checkpoint on, each
 * applied with its checkpoint in one database transaction; reconnects after failures.
 */
import { JOINT_NAMESPACE, NAMESPACES } from '@clearance/chaincode/domain';
import type { Network } from '../ledger/fabric-client';
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

/**
 * An event's JSON payload; one that is not JSON is passed on with why, for the store to
 * record as poison (the listener goes on).
 */
export function readPayload(bytes: Uint8Array): Pick<IndexedEvent, 'payload' | 'payloadError'> {
  const text = Buffer.from(bytes).toString();
  try {
    return { payload: JSON.parse(text) as unknown };
  } catch (error) {
    return { payload: text, payloadError: `payload is not JSON: ${String(error)}` };
  }
}

/** Events written in one database transaction at most (a block's worth under load). */
const MAX_BATCH = 200;

/**
 * The chaincode names whose events the index follows: every namespace of the split
 * network (domain/namespaces.ts) when configured with the joint one, else that one.
 */
export function indexedChaincodes(chaincode: string): readonly string[] {
  return chaincode === JOINT_NAMESPACE ? NAMESPACES : [chaincode];
}

export function startIndexer(options: IndexerOptions): Indexer {
  let stopped = false;
  let closeEvents: (() => void) | undefined;

  /**
   * One connection to the event stream: events are read while the previous ones are being
   * written, and whatever arrived meanwhile goes into the next transaction, so under load
   * a block costs one commit rather than one per event.
   */
  async function follow(): Promise<void> {
    const checkpoint = await options.store.checkpoint(options.channel);
    const events = await options.network.getChaincodeEvents(indexedChaincodes(options.chaincode), {
      checkpoint,
      startBlock: 0n,
    });
    closeEvents = () => events.close();
    const waiting: IndexedEvent[] = [];
    let writing: Promise<void> | undefined;
    let failure: unknown;
    const write = async () => {
      try {
        while (waiting.length > 0) {
          const batch = waiting.splice(0, MAX_BATCH);
          await options.store.applyAll(options.channel, batch);
          for (const event of batch) options.onApplied?.(event);
        }
      } catch (error) {
        failure = error;
        events.close(); // ends the loop; the next connection resumes from the checkpoint
      }
      // No await between finding nothing waiting and this: no event can slip in unwritten.
      writing = undefined;
    };
    try {
      for await (const event of events) {
        waiting.push({
          blockNumber: event.blockNumber,
          transactionId: event.transactionId,
          eventName: event.eventName,
          ...readPayload(event.payload),
        });
        writing ??= write();
        // Reading runs ahead of writing by one batch at most.
        if (waiting.length >= MAX_BATCH) await writing;
        if (failure !== undefined) break;
      }
    } finally {
      await writing;
    }
    if (failure !== undefined) throw failure;
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await follow();
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
