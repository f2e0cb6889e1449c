/**
 * Events and blocks of a channel, as the home peer delivers them: full blocks from a block
 * on, and the chaincode events of their valid transactions from a block or after a
 * checkpoint. Each reader has its own Deliver stream; close() ends it.
 */
import type { common } from '@hyperledger/fabric-protos';
import { randomBytes } from 'node:crypto';
import { deliver, type EndpointPool, type PeerAddress } from './endpoints';
import { signedEnvelope, type Session } from './identity';
import { chaincodeEventsOf, NONCE_BYTES, seekPayload, type ChaincodeEvent } from './protocol';

export type { ChaincodeEvent } from './protocol';

/** Where an event reader resumes: after this transaction of this block. */
export interface Checkpoint {
  getBlockNumber(): bigint | undefined;
  getTransactionId(): string | undefined;
}

/** An async iterable its reader can end (the stream under it is cancelled). */
export interface CloseableAsyncIterable<T> extends AsyncIterable<T> {
  close(): void;
}

/** An async iterable over a generator opened lazily; close() aborts what it reads. */
export function closeable<T>(
  open: (signal: AbortSignal) => Promise<AsyncGenerator<T>>,
): CloseableAsyncIterable<T> {
  const abort = new AbortController();
  return {
    close: () => abort.abort(),
    async *[Symbol.asyncIterator]() {
      if (abort.signal.aborted) return;
      yield* await open(abort.signal);
    },
  };
}

/** What a block reader uses of its client: the home peer and the gRPC channels. */
export interface EventClient {
  readonly addresses: { readonly home: PeerAddress };
  readonly pool: EndpointPool;
}

/** What a block reader uses of its channel (ChannelNetwork has it). */
export interface EventChannel {
  readonly session: Session;
  readonly channel: string;
  readonly client: EventClient;
}

/** Full blocks from `startBlock` on, from the home peer. */
export function blocks(
  network: EventChannel,
  startBlock: bigint,
): CloseableAsyncIterable<common.Block> {
  return closeable(async (signal) => {
    const { home } = network.client.addresses;
    const payload = seekPayload({
      creator: network.session.creator,
      nonce: randomBytes(NONCE_BYTES),
      channel: network.channel,
      start: startBlock,
    });
    const envelope = await signedEnvelope(network.session, payload);
    return deliver(network.client.pool.client(home), home.endpoint, 'deliver', envelope, signal);
  });
}

/** Chaincode events of valid transactions, from a block or after a checkpoint. */
export function chaincodeEvents(
  network: EventChannel,
  chaincode: string | readonly string[],
  options: { startBlock?: bigint; checkpoint?: Checkpoint } = {},
): CloseableAsyncIterable<ChaincodeEvent> {
  const fromCheckpoint = options.checkpoint?.getBlockNumber();
  const start = fromCheckpoint ?? options.startBlock ?? 0n;
  const afterTx = fromCheckpoint === undefined ? undefined : options.checkpoint?.getTransactionId();
  const source = blocks(network, start);
  async function* events(): AsyncGenerator<ChaincodeEvent> {
    for await (const block of source) {
      // In the checkpoint's block: only what comes after the checkpoint's transaction.
      const inCheckpointBlock = BigInt(block.getHeader()?.getNumber() ?? 0) === start;
      yield* chaincodeEventsOf(block, chaincode, inCheckpointBlock ? afterTx : undefined);
    }
  }
  const iterator = events();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: () => source.close(),
  };
}
