/**
 * Commit status and "read your own writes" for the Fabric client: one filtered Deliver
 * stream per channel and factory tells waiters the block and validation code of their
 * transactions, and the heights peers are known to have reached. No gRPC here: the stream
 * is opened by a function passed in.
 */
import type { peer } from '@hyperledger/fabric-protos';
import type { PeerAddress } from './endpoints';
import { LedgerUnavailableError } from './errors';
import type { EndpointHealth } from './health';

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

// --- read your own writes: per process, shared by every client --------------------------

/**
 * The highest block committed by any of our transactions, per channel: reads and
 * endorsements after it wait for the peer asked to have it, whichever client (identity,
 * seal operator) committed it in this process.
 */
const committedByUs = new Map<string, bigint>();

export function noteCommitted(channel: string, blockNumber: bigint): void {
  if ((committedByUs.get(channel) ?? -1n) < blockNumber) committedByUs.set(channel, blockNumber);
}

export function committedBlock(channel: string): bigint | undefined {
  return committedByUs.get(channel);
}

// --- sending again while waiting ---------------------------------------------------------

/**
 * Sending the same signed envelope again never commits it twice (same transaction id: the
 * ledger keeps the first copy and marks a later one DUPLICATE_TXID), but it is not free. On
 * Fabric 2.1 a copy ordered after the first has committed is invalid and its private data
 * exists nowhere under its block and position: a peer of the collection pulls it from the
 * other members for `peer.gossip.pvtData.pullRetryThreshold` (60 s by default) per such
 * block, unless `skipPullingInvalidTransactionsDuringCommit` is set (the devnet sets it;
 * every organisation's peer should). And a copy may be ordered long after it was sent: a hung
 * orderer (SIGSTOP, not dead) that resumes still handles what it had read off its sockets, a
 * send that timed out included. So a copy is made only on evidence that the first cannot come
 * through in time, and only MAX_RESENDS of them per transaction.
 */

/** Without a commit this long after the last send (and the evidence below), it is sent again (ms). */
export const RESEND_AFTER_MS = 5_000;
/** After a send that no orderer took, the next try waits this long (ms). */
export const RESEND_RETRY_MS = 2_000;
/** Copies one client sends of a transaction, besides the first. */
export const MAX_RESENDS = 3;

/** Why a transaction is sent again (the `reason` of its resend in /metrics). */
export type ResendCause = 'orderer-down' | 'no-commit';

/** The last send of a transaction waiting for its commit. */
export interface LastSend {
  at: number;
  /** The orderer that took it. */
  by: string;
  /**
   * A block numbered this or higher was cut after the transaction reached an orderer: at
   * first the commit stream's height when it was taken, plus one (which holds only if the
   * home peer kept up with the orderers), raised to the orderers' height once one is read
   * after it was taken.
   */
  cutAfter: bigint;
  /** Copies sent so far (or tried on an orderer: a timed-out try may still be ordered). */
  resends: number;
  /**
   * Set when no orderer took the last try: it is owed still, for this reason, even once the
   * orderer that went down is seen up again.
   */
  untaken?: ResendCause;
}

/** What the client sees now. */
export interface SendView {
  at: number;
  /** Orderer endpoints named down. */
  down: ReadonlySet<string>;
  /** The height the commit stream (home peer) has read to. */
  height: bigint;
}

/**
 * Whether, and why, a transaction sent and not yet committed should be sent again:
 * `orderer-down`, the orderer that took it is named down (killed or hung holding it: its
 * commit may never come); `no-commit`, RESEND_AFTER_MS passed and the commit stream has read
 * a block cut after the transaction reached an orderer without finding it (a Raft leader that
 * hung or stepped down dropped it). A peer that lags (waiting on private data, cut off from a
 * hung orderer) reads no such block, so no copies are made for slowness. A try no orderer
 * took is repeated RESEND_RETRY_MS later. At most MAX_RESENDS copies.
 */
export function resendCause(last: LastSend, now: SendView): ResendCause | undefined {
  if (last.resends >= MAX_RESENDS) return undefined;
  if (last.untaken) return now.at - last.at >= RESEND_RETRY_MS ? last.untaken : undefined;
  if (now.down.has(last.by)) return 'orderer-down';
  if (now.at - last.at >= RESEND_AFTER_MS && now.height > last.cutAfter) return 'no-commit';
  return undefined;
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
