/**
 * Commit status and "read your own writes" for the Fabric client: one filtered Deliver
 * stream per channel and factory tells waiters the block and validation code of their
 * transactions, and the heights peers are known to have reached. No gRPC here: the stream
 * is opened by a function passed in.
 */
import type { peer } from '@hyperledger/fabric-protos';
import type { PeerAddress } from './fabric-endpoints';
import { LedgerUnavailableError } from './fabric-errors';
import { noteEndpointFailure, noteEndpointUp, noteRetry } from './fabric-health';

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

/** The highest block committed by any of our transactions, per channel. */
const committedByUs = new Map<string, bigint>();
/** Heights peers were last seen at, per `channel|endpoint`. */
const seenHeights = new Map<string, bigint>();

export function noteCommitted(channel: string, blockNumber: bigint): void {
  if ((committedByUs.get(channel) ?? -1n) < blockNumber) committedByUs.set(channel, blockNumber);
}

export function committedBlock(channel: string): bigint | undefined {
  return committedByUs.get(channel);
}

export function noteHeight(channel: string, endpoint: string, height: bigint): void {
  const key = `${channel}|${endpoint}`;
  if ((seenHeights.get(key) ?? 0n) < height) seenHeights.set(key, height);
}

export function seenHeight(channel: string, endpoint: string): bigint {
  return seenHeights.get(`${channel}|${endpoint}`) ?? 0n;
}

// --- sending again while waiting ---------------------------------------------------------

/** Without a commit this long after the last send, and blocks cut since, it is sent again (ms). */
export const RESEND_AFTER_MS = 10_000;
/** After a send that no orderer took, the next try waits this long (ms). */
export const RESEND_RETRY_MS = 2_000;

/** Why a transaction is sent again (the `reason` of its resend in /metrics). */
export type ResendCause = 'orderer-down' | 'no-commit';

/** The last send of a transaction waiting for its commit. */
export interface LastSend {
  at: number;
  /**
   * Set when no orderer took it (every one refused or was unreachable): the resend is owed
   * still, for this reason, even once the orderer that went down is seen up again.
   */
  untaken?: ResendCause;
  /** Orderer endpoints down, and the channel height seen, when it was last taken. */
  down: ReadonlySet<string>;
  height: bigint;
}

/**
 * Whether, and why, a transaction sent and not yet committed should be sent again:
 * `orderer-down`, an orderer went down since it was taken (the one that took it, or the
 * Raft leader that one passed it to, may have died holding it in a block never cut: the
 * commit would never come); `no-commit`, RESEND_AFTER_MS passed and blocks were cut since
 * without it (not merely slow commits under load: resending then would double the
 * orderers' work when they can least afford it). A resend no orderer took is tried again
 * RESEND_RETRY_MS later, not at every look. Sending the same signed envelope again is
 * safe: it has the same transaction id, so the ledger keeps the first copy and marks a
 * later one DUPLICATE_TXID.
 */
export function resendCause(
  last: LastSend,
  now: { at: number; down: ReadonlySet<string>; height: bigint },
): ResendCause | undefined {
  if (last.untaken) return now.at - last.at >= RESEND_RETRY_MS ? last.untaken : undefined;
  if ([...now.down].some((endpoint) => !last.down.has(endpoint))) return 'orderer-down';
  if (now.at - last.at >= RESEND_AFTER_MS && now.height > last.height) return 'no-commit';
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
    const { peers, open } = this.options;
    while (!this.closed) {
      const address = peers[this.attempt % peers.length];
      if (!address) return;
      const start = this.next ?? 'newest';
      this.stream = closeable((signal) => open(address, start, signal));
      try {
        for await (const block of this.stream) this.onBlock(block, address.endpoint);
      } catch (error) {
        // The peer restarted, the network failed: waiters keep waiting, the next stream
        // resumes at the next block, a waiter whose time runs out asks qscc; the failure
        // is kept as the cause for a waiter that finds the stream not reading.
        this.lastFailure = error;
        this.attempt++;
        // Down until its stream delivers again: endorsements stop waiting for its height.
        const event = { endpoint: address.endpoint, role: 'peer' as const, call: 'stream' };
        noteEndpointFailure(event, error instanceof Error ? error.message : String(error));
        noteRetry(event);
      }
      if (!this.closed) await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 500));
    }
  }

  private onBlock(block: peer.FilteredBlock, endpoint: string): void {
    const number = BigInt(block.getNumber());
    this.next = number + 1n;
    noteHeight(this.options.channel, endpoint, this.next);
    noteEndpointUp(endpoint);
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
