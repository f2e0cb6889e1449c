/**
 * Commit status and "read your own writes" for the Fabric client: one filtered Deliver
 * stream per channel and client tells waiters the block and validation code of their
 * transactions, and the heights peers are known to have reached; the highest block this
 * client committed makes later reads and endorsements wait for a peer that has it. The
 * stream is opened by a function passed in.
 */
import { peer } from '@hyperledger/fabric-protos';
import type { PeerAddress } from './endpoints';
import { LedgerUnavailableError } from './errors';
import { closeable, type CloseableAsyncIterable } from './events';
import type { EndpointHealth } from './health';
import type { Session } from './identity';

/** The outcome of a transaction's commit. */
export interface CommitStatus {
  transactionId: string;
  blockNumber: bigint;
  /** Fabric's validation code (peer.TxValidationCode). */
  code: number;
  successful: boolean;
}

// --- read your own writes ---------------------------------------------------------------

/**
 * The highest block committed by a client's transactions, per channel: its reads and
 * endorsements after it wait for the peer asked to have it. Each client has its own; two
 * clients of one process share one only when the second is given the first's
 * (`ClientOptions.commitHeights`), so one's reads wait for the other's writes.
 */
export interface CommitHeights {
  /** A transaction of ours committed in this block. */
  note(channel: string, blockNumber: bigint): void;
  /** The highest block noted on the channel (undefined before the first). */
  last(channel: string): bigint | undefined;
}

export function newCommitHeights(): CommitHeights {
  const heights = new Map<string, bigint>();
  return {
    note(channel, blockNumber) {
      if ((heights.get(channel) ?? -1n) < blockNumber) heights.set(channel, blockNumber);
    },
    last: (channel) => heights.get(channel),
  };
}

// --- the commit stream ------------------------------------------------------------------

export interface CommitSeen {
  blockNumber: bigint;
  code: number;
}

export interface CommitWatcherOptions {
  channel: string;
  /** Peers to read from, in order: the next one after a stream fails. */
  peers: readonly PeerAddress[];
  /** Opens a filtered Deliver stream from `start` (a block number, or the newest). */
  open(
    address: PeerAddress,
    start: bigint | 'newest',
    signal: AbortSignal,
  ): Promise<AsyncGenerator<peer.FilteredBlock>>;
  /** Pause before reconnecting, ms. */
  retryDelayMs?: number;
  /** Longest wait for the first block before a waiter gives up, ms. */
  readyTimeoutMs?: number;
  /**
   * The client's endpoint health: told of each block (the peer is up, its height) and each
   * failed stream; a stream whose peer it names down (a hung peer sends nothing and fails
   * nothing) is left for the next peer.
   */
  health?: EndpointHealth;
  /** How often the peer of the stream is looked at, ms. */
  downCheckMs?: number;
}

/**
 * Resolves the waiters of the transactions in each block; after a failure it reconnects
 * (to the next peer) from the next block, so no block passes unseen.
 */
export class CommitWatcher {
  private readonly waiters = new Map<string, ((s: CommitSeen) => void)[]>();
  private next: bigint | undefined;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private closed = false;
  private stream: CloseableAsyncIterable<peer.FilteredBlock> | undefined;
  private lastFailure: unknown;
  private attempt = 0;

  constructor(private readonly options: CommitWatcherOptions) {
    this.ready = new Promise((r) => (this.markReady = r));
    void this.run();
  }

  private async run(): Promise<void> {
    const { peers, open, health } = this.options;
    while (!this.closed) {
      const address = peers[this.attempt % peers.length];
      if (!address) return;
      const start = this.next ?? 'newest';
      const stream = closeable((signal) => open(address, start, signal));
      this.stream = stream;
      // A peer named down while its stream is open (hung: silent, no error): the next one.
      let left = false;
      const others = peers.filter((p) => p.endpoint !== address.endpoint);
      const check = setInterval(() => {
        if (health?.isDown(address.endpoint) && health.up(others).length > 0) {
          left = true;
          stream.close();
        }
      }, this.options.downCheckMs ?? 1_000);
      try {
        for await (const block of stream) this.onBlock(block, address.endpoint);
        if (left) this.attempt++;
      } catch (error) {
        // The peer restarted, the network failed: waiters keep waiting, the next stream
        // resumes at the next block, a waiter whose time runs out asks qscc; the failure
        // is kept as the cause for a waiter that finds the stream not reading.
        this.lastFailure = error;
        this.attempt++;
        // Down until its stream delivers again: endorsements stop waiting for its height.
        const event = { endpoint: address.endpoint, role: 'peer' as const, call: 'stream' };
        health?.noteFailure(event, error instanceof Error ? error.message : String(error));
        health?.noteRetry(event);
      } finally {
        clearInterval(check);
      }
      if (!this.closed) await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 500));
    }
  }

  private onBlock(block: peer.FilteredBlock, endpoint: string): void {
    const number = BigInt(block.getNumber());
    this.next = number + 1n;
    this.options.health?.notePeerHeight(this.options.channel, endpoint, this.next);
    this.options.health?.noteUp(endpoint);
    for (const tx of block.getFilteredTransactionsList()) {
      const waiting = this.waiters.get(tx.getTxid());
      if (!waiting) continue;
      this.waiters.delete(tx.getTxid());
      for (const resolve of waiting)
        resolve({ blockNumber: number, code: tx.getTxValidationCode() });
    }
    this.markReady();
  }

  /**
   * Registers interest in a transaction once the stream is reading (call it before the
   * transaction is sent): `status` resolves with its block and validation code, or
   * undefined when `timeoutMs` pass first.
   */
  async expect(
    transactionId: string,
    timeoutMs: number,
  ): Promise<{ status: Promise<CommitSeen | undefined>; cancel(): void }> {
    const until = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const readyWithin = Math.min(timeoutMs, this.options.readyTimeoutMs ?? 15_000);
    const readyInTime = await Promise.race([
      this.ready.then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), readyWithin))),
    ]);
    clearTimeout(timer);
    if (!readyInTime)
      throw new LedgerUnavailableError('no peer delivers the blocks of the channel', [], {
        transactionId,
        stage: 'commit-status',
        cause: this.lastFailure,
      });
    let resolveStatus!: (s: CommitSeen | undefined) => void;
    const status = new Promise<CommitSeen | undefined>((r) => (resolveStatus = r));
    const waiter = (s: CommitSeen) => {
      clearTimeout(deadline);
      resolveStatus(s);
    };
    const remove = () => {
      const list = this.waiters.get(transactionId)?.filter((w) => w !== waiter) ?? [];
      if (list.length > 0) this.waiters.set(transactionId, list);
      else this.waiters.delete(transactionId);
    };
    const deadline = setTimeout(
      () => {
        remove();
        resolveStatus(undefined);
      },
      Math.max(0, until - Date.now()),
    );
    this.waiters.set(transactionId, [...(this.waiters.get(transactionId) ?? []), waiter]);
    return {
      status,
      cancel: () => {
        clearTimeout(deadline);
        remove();
        resolveStatus(undefined);
      },
    };
  }

  /** The channel height the stream has read to (0 before its first block). */
  get height(): bigint {
    return this.next ?? 0n;
  }

  close(): void {
    this.closed = true;
    this.stream?.close();
  }
}

// --- commit status ----------------------------------------------------------------------

/** What the wait for a commit uses of its client. */
export interface CommitClient {
  /** The client's commit stream of a channel. */
  watcher(session: Session, channel: string): CommitWatcher;
  readonly timeouts: { readonly commit: number };
  readonly commitHeights: CommitHeights;
  readonly health: EndpointHealth;
  /** Its sends awaiting commit (SendLog in transaction.ts): a commit seen ends them. */
  readonly sends: { forget(transactionId: string): void };
}

/** What the wait for a commit uses of its channel (ChannelNetwork has it). */
export interface CommitChannel {
  readonly session: Session;
  readonly channel: string;
  readonly client: CommitClient;
  /** qscc GetTransactionByID: undefined when the peer does not know the id. */
  processedTransaction(
    transactionId: string,
  ): Promise<{ validationCode: number; blockNumber: bigint } | undefined>;
}

/** Waits for the commit of a transaction sent before (the client's commit stream). */
export async function commitStatus(
  network: CommitChannel,
  transactionId: string,
): Promise<CommitStatus> {
  const watcher = network.client.watcher(network.session, network.channel);
  const committed = await watcher.expect(transactionId, network.client.timeouts.commit);
  // Committed before we started listening: the peer's index knows it already.
  const known = await network.processedTransaction(transactionId);
  if (known) {
    committed.cancel();
    return noted(network, { transactionId, ...known });
  }
  return settle(network, transactionId, committed.status);
}

/**
 * The stream's answer; if it did not come in time, what the peer's index says. A
 * DUPLICATE_TXID seen is a later copy of this very transaction (sent again): the outcome
 * is the first copy's, which the peer's index holds (its entry for an id is the lowest
 * block and position).
 */
export async function settle(
  network: CommitChannel,
  transactionId: string,
  status: Promise<CommitSeen | undefined>,
): Promise<CommitStatus> {
  const seen = await status;
  if (seen && seen.code !== peer.TxValidationCode.DUPLICATE_TXID)
    return noted(network, {
      transactionId,
      blockNumber: seen.blockNumber,
      validationCode: seen.code,
    });
  const known = await network.processedTransaction(transactionId);
  if (known) return noted(network, { transactionId, ...known });
  throw new LedgerUnavailableError(
    `no commit of ${transactionId} within ${network.client.timeouts.commit} ms`,
    [],
    { transactionId, stage: 'commit-status' },
  );
}

/** A commit seen: the client's heights move on, its sends of the transaction are done. */
function noted(
  network: CommitChannel,
  s: { transactionId: string; blockNumber: bigint; validationCode: number },
): CommitStatus {
  const { client, channel } = network;
  client.commitHeights.note(channel, s.blockNumber);
  // The channel has reached this block: peers without it lag behind our own commit.
  client.health.noteReached(channel, s.blockNumber + 1n);
  client.sends.forget(s.transactionId);
  return {
    transactionId: s.transactionId,
    blockNumber: s.blockNumber,
    code: s.validationCode,
    successful: s.validationCode === peer.TxValidationCode.VALID,
  };
}
