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

/** What a block reader uses of its client: the home peer, the gRPC channels, its heights. */
export interface EventClient {
  readonly addresses: { readonly home: PeerAddress };
  readonly pool: Pick<EndpointPool, 'client' | 'renew'>;
  /** The home peer's height as its probes and commit streams last saw it. */
  readonly health: { peerHeight(channel: string, endpoint: string): bigint };
}

/**
 * A Deliver stream that delivers no block for this long while its peer is known to hold
 * the next one has stalled: a peer sends the blocks it has at once, so the call is stuck on
 * a connection or channel that no longer works (a restarted peer behind a half-open
 * connection; grpc/grpc-node#2785). It is cancelled with a DeliverStalledError, for its
 * reader to open a new one, and the endpoint's gRPC channel is renewed.
 */
export const DELIVER_STALL_MS = 15_000;
const STALL_CHECK_MS = 1_000;

/** A block stream cancelled because it stopped delivering blocks its peer has. */
export class DeliverStalledError extends Error {
  override readonly name = 'DeliverStalledError';
  constructor(
    readonly endpoint: string,
    /** The next block the stream was waiting for, and the height the peer was seen at. */
    readonly waitingFor: bigint,
    readonly peerHeight: bigint,
  ) {
    super(
      `${endpoint}: no block ${waitingFor} delivered in ${DELIVER_STALL_MS / 1000} s while the peer is at height ${peerHeight}`,
    );
  }
}

/** What a block reader uses of its channel (ChannelNetwork has it). */
export interface EventChannel {
  readonly session: Session;
  readonly channel: string;
  readonly client: EventClient;
}

/** Full blocks from `startBlock` on, from the home peer; fails if the stream stalls. */
export function blocks(
  network: EventChannel,
  startBlock: bigint,
  stallMs = DELIVER_STALL_MS,
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
    return watched(network, home, startBlock, stallMs, envelope, signal);
  });
}

/** The home peer's blocks, cancelled with a DeliverStalledError when they stop coming. */
async function* watched(
  network: EventChannel,
  home: PeerAddress,
  startBlock: bigint,
  stallMs: number,
  envelope: common.Envelope,
  signal: AbortSignal,
): AsyncGenerator<common.Block> {
  const stall = new AbortController();
  const cancel = () => stall.abort();
  signal.addEventListener('abort', cancel, { once: true });
  let next = startBlock;
  let progressAt = Date.now();
  let stalled: DeliverStalledError | undefined;
  // While its reader holds a block, the stream is not waiting on the peer.
  let withReader = false;
  const timer = setInterval(
    () => {
      const height = network.client.health.peerHeight(network.channel, home.endpoint);
      if (!withReader && height > next && Date.now() - progressAt >= stallMs) {
        stalled = new DeliverStalledError(home.endpoint, next, height);
        stall.abort();
      }
    },
    Math.min(STALL_CHECK_MS, stallMs),
  );
  try {
    const client = network.client.pool.client(home);
    for await (const block of deliver(client, home.endpoint, 'deliver', envelope, stall.signal)) {
      next = BigInt(block.getHeader()?.getNumber() ?? 0) + 1n;
      withReader = true;
      yield block;
      withReader = false;
      progressAt = Date.now();
    }
  } finally {
    clearInterval(timer);
    signal.removeEventListener('abort', cancel);
  }
  if (stalled) {
    network.client.pool.renew(home);
    throw stalled;
  }
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
