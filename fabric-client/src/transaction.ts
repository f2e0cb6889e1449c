/**
 * A transaction sent to the orderers: the first orderer that takes it, the wait for its
 * commit, and sending it again only on evidence that the first send cannot come through
 * (the rules below: why a copy is not free).
 */
import { common } from '@hyperledger/fabric-protos';
import { broadcast as broadcastCall, type EndpointAddress, type EndpointPool } from './endpoints';
import { LedgerUnavailableError, SubmitError, type PeerAnswer } from './errors';
import {
  settle,
  type CommitChannel,
  type CommitClient,
  type CommitSeen,
  type CommitStatus,
  type CommitWatcher,
} from './commit';
import { transportAnswer } from './endorsement';
import { namedDown, observed } from './health';
import { transactionIdOfEnvelope } from './protocol';

/** A transaction taken by an orderer; its commit status is asked of it. */
export interface SubmittedTransaction {
  readonly transactionId: string;
  getResult(): Uint8Array;
  getStatus(): Promise<CommitStatus>;
}

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

// --- the sends of one client -------------------------------------------------------------

/** How often a transaction waiting for its commit looks whether to send it again. */
const RESEND_CHECK_MS = 500;

/** How long the sends of a transaction not seen committed are remembered (for MAX_RESENDS). */
const SEND_MEMORY_MS = 10 * 60_000;

/** This client's sends of one transaction, across the waits for its commit. */
interface SendRecord {
  last: LastSend;
  /** The wait that looks after resending (one at a time); others only wait. */
  holder?: symbol;
}

/** Transactions a client sent and has not seen committed, by id. */
export class SendLog {
  private readonly records = new Map<string, SendRecord>();

  get(transactionId: string): SendRecord | undefined {
    return this.records.get(transactionId);
  }

  add(transactionId: string, last: LastSend): SendRecord {
    const record = { last };
    this.records.set(transactionId, record);
    return record;
  }

  forget(transactionId: string): void {
    this.records.delete(transactionId);
  }

  /** Forgets sends nobody waits for any more, SEND_MEMORY_MS after the last. */
  forgetOld(now = Date.now()): void {
    for (const [id, record] of this.records)
      if (!record.holder && now - record.last.at > SEND_MEMORY_MS) this.records.delete(id);
  }
}

/** What sending to the orderers and waiting for the commit use of the client. */
export interface SubmitClient extends CommitClient {
  readonly timeouts: { readonly commit: number; readonly broadcast: number };
  readonly sends: SendLog;
  readonly addresses: { readonly orderers: readonly EndpointAddress[] };
  readonly pool: EndpointPool;
}

/** What sending to the orderers uses of its channel (ChannelNetwork has it). */
export interface SubmitChannel extends CommitChannel {
  readonly client: SubmitClient;
}

/**
 * Sends the envelope (unless this client sent it before and still waits for it: then it
 * only waits, the resends of the first send go on) and follows its commit, sending it
 * again only as `resendCause` allows.
 */
export async function submitEnvelope(
  network: SubmitChannel,
  envelopeBytes: Uint8Array,
): Promise<SubmittedTransaction> {
  const { client } = network;
  const transactionId = transactionIdOfEnvelope(envelopeBytes);
  const watcher = client.watcher(network.session, network.channel);
  // Listening before sending: the block with the transaction cannot pass unseen.
  const committed = await watcher.expect(transactionId, client.timeouts.commit);
  let record = client.sends.get(transactionId);
  if (!record) {
    try {
      const by = await broadcast(network, envelopeBytes, transactionId);
      record = client.sends.add(transactionId, {
        at: Date.now(),
        by,
        cutAfter: watcher.height + 1n,
        resends: 0,
      });
    } catch (error) {
      committed.cancel();
      throw error;
    }
  }
  const status = resendingUntil(network, committed.status, watcher, envelopeBytes, record);
  return {
    transactionId,
    getResult: () => new Uint8Array(),
    getStatus: () => settle(network, transactionId, status),
  };
}

/**
 * Waits for the commit, sending the envelope again when `resendCause` says so. The commit
 * stream reports the first copy in block order, so a later copy's DUPLICATE_TXID is never
 * the outcome (and `settle` asks qscc, which knows the first, should the stream have seen
 * only the second).
 */
async function resendingUntil(
  network: SubmitChannel,
  status: Promise<CommitSeen | undefined>,
  watcher: CommitWatcher,
  envelopeBytes: Uint8Array,
  record: SendRecord,
): Promise<CommitSeen | undefined> {
  const { client } = network;
  const health = client.health;
  const transactionId = transactionIdOfEnvelope(envelopeBytes);
  const me = Symbol(transactionId);
  const view = () => ({
    at: Date.now(),
    down: new Set(
      health
        .endpointsDown()
        .filter((e) => e.role === 'orderer')
        .map((e) => e.endpoint),
    ),
    height: watcher.height,
  });
  let ended = false;
  const settled = status.finally(() => (ended = true));
  while (!ended) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((r) => (timer = setTimeout(r, RESEND_CHECK_MS)))]);
    clearTimeout(timer);
    if (ended) break;
    // One wait at a time looks after the resends (another attempt may wait too).
    record.holder ??= me;
    if (record.holder !== me) continue;
    const last = record.last;
    // The orderers' height read since it was taken: blocks from there on were cut after it.
    const read = health.ordererHeight(network.channel, last.at);
    if (!last.untaken && read !== undefined && read > last.cutAfter) last.cutAfter = read;
    const cause = resendCause(last, view());
    if (!cause) continue;
    try {
      const endpoint = await broadcast(network, envelopeBytes, transactionId);
      record.last = {
        at: Date.now(),
        by: endpoint,
        cutAfter: watcher.height + 1n,
        resends: last.resends + 1,
      };
      health.noteRetry({ endpoint, role: 'orderer', call: 'resend', reason: cause });
    } catch (error) {
      // No orderer took it (each failure is counted): again RESEND_RETRY_MS later. A try
      // that reached an orderer counts as a copy (one that timed out may yet be ordered).
      const reached =
        !(error instanceof LedgerUnavailableError) || error.answers.some((a) => !a.skipped);
      record.last = {
        ...last,
        at: Date.now(),
        untaken: cause,
        resends: last.resends + (reached ? 1 : 0),
      };
    }
  }
  if (record.holder === me) record.holder = undefined;
  const seen = await settled;
  // Committed (any code): nothing more to send. Not seen: the sends are remembered a while.
  if (seen) client.sends.forget(transactionId);
  return seen;
}

/**
 * Sends to the first orderer that takes it, in the connection's order, skipping those
 * named down (a hung one would cost every broadcast the whole deadline); resolves with
 * the endpoint of the orderer that took it.
 */
async function broadcast(
  network: SubmitChannel,
  envelopeBytes: Uint8Array,
  transactionId: string,
): Promise<string> {
  const { client } = network;
  const health = client.health;
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const { orderers } = client.addresses;
  const failures: PeerAnswer[] = orderers
    .filter((o) => health.isDown(o.endpoint))
    .map((o) => namedDown({ ...o, mspId: 'orderer' }, health));
  let unavailable: SubmitError | undefined;
  for (const address of health.up(orderers)) {
    const retry = { endpoint: address.endpoint, role: 'orderer', call: 'broadcast' } as const;
    let response;
    try {
      response = await observed(health, address.endpoint, 'orderer', 'broadcast', () =>
        broadcastCall(client.pool.client(address), envelope, client.timeouts.broadcast),
      );
    } catch (error) {
      failures.push(transportAnswer({ ...address, mspId: 'orderer' }, error));
      health.noteRetry(retry);
      continue;
    }
    if (response.getStatus() === common.Status.SUCCESS) return address.endpoint;
    // SERVICE_UNAVAILABLE: this orderer cannot take it now (no Raft leader known to it, a
    // follower cut off): another one may. Any other status is a refusal of the envelope.
    if (response.getStatus() === common.Status.SERVICE_UNAVAILABLE) {
      unavailable = new SubmitError(
        `${address.endpoint} cannot take ${transactionId} now: ${response.getInfo()}`,
        address.endpoint,
        response.getStatus(),
        { transactionId },
      );
      health.noteRetry(retry);
      continue;
    }
    throw new SubmitError(
      `${address.endpoint} refused ${transactionId}: status ${response.getStatus()} ${response.getInfo()}`,
      address.endpoint,
      response.getStatus(),
      { transactionId },
    );
  }
  if (unavailable) throw unavailable;
  throw new LedgerUnavailableError(
    orderers.length === 0
      ? 'no orderer configured'
      : `no orderer answered: ${failures.map((f) => `${f.endpoint} ${f.message}`).join('; ')}`,
    failures,
    { transactionId, stage: 'submit' },
  );
}
