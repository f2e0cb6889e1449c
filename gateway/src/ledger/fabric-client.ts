/**
 * A thin Fabric client of our own over @hyperledger/fabric-protos and @grpc/grpc-js: the
 * Endorser, AtomicBroadcast and Deliver services that Fabric 2.1 peers have as well as 2.5
 * and 3.x ones (2.1 has no Gateway service, so @hyperledger/fabric-gateway cannot talk to
 * it). Chosen over fabric-network / fabric-common 2.2, which bring old dependencies
 * (jsrsasign, elliptic, winston 2) and a callback-era design. Its shape follows
 * fabric-gateway's: factories, public interfaces, private implementations, one error class
 * per stage (fabric-errors.ts).
 *
 * Endorsement: on the peers the endorsement plan (chaincode/src/domain/endorsement-plan.ts)
 * names for the transaction, routing around a dead optional peer. Commit status: a filtered
 * Deliver stream of the home peer shared by the factory. Reads after our own writes wait
 * until the peer has the block of our last commit.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { endorsementPlan, isNamespace, type EndorsementPlan } from '@clearance/chaincode/domain';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { status as grpcStatus } from '@grpc/grpc-js';
import {
  broadcast,
  deliver,
  DeliverStatusError,
  EndpointPool,
  isServiceError,
  newestBlock,
  processProposal,
  type EndpointAddress,
  type PeerAddress,
} from './fabric-endpoints';
import {
  CommitError,
  EndorseError,
  LedgerUnavailableError,
  SubmitError,
  type PeerAnswer,
} from './fabric-errors';
import {
  assembleTransaction,
  buildProposal,
  chaincodeResultOf,
  envelopeOf,
  NONCE_BYTES,
  seekPayload,
  serializedIdentity,
  signedProposal,
  transactionIdOf,
  transactionIdOfEnvelope,
  chaincodeEventsOf,
  type ChaincodeEvent,
} from './fabric-protocol';
import {
  closeable,
  CommitWatcher,
  type CloseableAsyncIterable,
  committedBlock,
  noteCommitted,
  resendCause,
  type LastSend,
  type CommitSeen,
} from './fabric-commits';
import { answerOf, endorseByPlan, refusal, transportAnswer } from './fabric-endorsement';
import {
  EndpointHealth,
  type EndpointListeners,
  type EndpointRole,
  type EndpointState,
  type PeerLag,
} from './fabric-health';
import { messageSigner, type Signer } from './signer';

export type { ChaincodeEvent } from './fabric-protocol';
export type { EndpointAddress, PeerAddress } from './fabric-endpoints';
export type { EndpointEvent, EndpointListeners, EndpointState, PeerLag } from './fabric-health';

/** What the client knows of the network's health on one channel (for /readyz). */
export interface NetworkHealth {
  /** Peers and orderers named down: a call or probe failed or timed out; skipped until they answer. */
  down: EndpointState[];
  /** Peers behind the orderers' height (or our own last commit) by more than a few seconds or blocks. */
  lagging: PeerLag[];
  /** The orderers' highest height as last read (undefined before the first read). */
  ordererHeight?: bigint;
}

export interface SigningIdentity {
  mspId: string;
  certificate: string;
  privateKey: string;
}

/** Where the network is: the home peer (reads, events), every peer, the orderers. */
export interface NetworkAddresses {
  home: PeerAddress;
  /** Every peer that may endorse (the home peer among them); just the home one if unknown. */
  peers: readonly PeerAddress[];
  orderers: readonly EndpointAddress[];
}

/** Deadlines of each kind of call, in milliseconds. */
export interface Timeouts {
  evaluate: number;
  endorse: number;
  broadcast: number;
  commit: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  evaluate: 5_000,
  endorse: 15_000,
  broadcast: 5_000,
  commit: 60_000,
};

/** Where an event reader resumes: after this transaction of this block. */
export interface Checkpoint {
  getBlockNumber(): bigint | undefined;
  getTransactionId(): string | undefined;
}

export type { CloseableAsyncIterable } from './fabric-commits';

export interface ProposalOptions {
  arguments?: readonly (string | Uint8Array)[];
  transientData?: Readonly<Record<string, string | Uint8Array>>;
  /** Endorse on exactly these organisations instead of the transaction's plan. */
  endorsingOrganizations?: readonly string[];
}

export interface CommitStatus {
  transactionId: string;
  blockNumber: bigint;
  code: number;
  successful: boolean;
}

export interface SubmittedTransaction {
  readonly transactionId: string;
  getResult(): Uint8Array;
  getStatus(): Promise<CommitStatus>;
}

/** An endorsed, signed transaction: its envelope can be stored and sent later. */
export interface EndorsedTransaction {
  readonly transactionId: string;
  getResult(): Uint8Array;
  getBytes(): Uint8Array;
  submit(): Promise<SubmittedTransaction>;
}

export interface Proposal {
  readonly transactionId: string;
  endorse(): Promise<EndorsedTransaction>;
  evaluate(): Promise<Uint8Array>;
}

export interface Contract {
  newProposal(transaction: string, options?: ProposalOptions): Proposal;
  evaluateTransaction(transaction: string, ...args: string[]): Promise<Uint8Array>;
  submitTransaction(transaction: string, ...args: string[]): Promise<Uint8Array>;
  /** Endorses and sends; the commit status is asked of the result. */
  submitAsync(transaction: string, options?: ProposalOptions): Promise<SubmittedTransaction>;
}

export interface Network {
  getContract(chaincode: string): Contract;
  /** Chaincode events of valid transactions, from a block or after a checkpoint. */
  getChaincodeEvents(
    chaincode: string | readonly string[],
    options?: { startBlock?: bigint; checkpoint?: Checkpoint },
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>>;
  /** Full blocks from `startBlock` on, as the home peer delivers them. */
  getBlocks(startBlock: bigint): CloseableAsyncIterable<common.Block>;
  /** Sends a signed envelope to an orderer (the next one if one is unreachable). */
  submitEnvelope(envelope: Uint8Array): Promise<SubmittedTransaction>;
  /** Waits for the commit of a transaction sent before (the shared commit stream). */
  commitStatus(transactionId: string): Promise<CommitStatus>;
  /** The home peer's channel height (qscc GetChainInfo). */
  channelHeight(): Promise<bigint>;
  /** qscc GetTransactionByID: undefined when the peer does not know the id. */
  processedTransaction(
    transactionId: string,
  ): Promise<{ validationCode: number; blockNumber: bigint } | undefined>;
  /** Endpoints down and peers lagging, as the client's calls and probes found them. */
  health(): NetworkHealth;
  /** Subscribes to the client's endpoint failures and retries; returns the unsubscribe. */
  onEndpointEvents(listeners: EndpointListeners): () => void;
}

export interface Gateway {
  getNetwork(channel: string): Network;
  close(): void;
}

/** Gateways for many identities over one set of gRPC channels. */
export interface FabricClient {
  connect(identity: SigningIdentity): Gateway;
  close(): void;
}

export function createFabricClient(
  addresses: NetworkAddresses,
  timeouts: Timeouts = DEFAULT_TIMEOUTS,
): FabricClient {
  return new Client(addresses, timeouts);
}

const QSCC = 'qscc';

/** How long an endorsement waits for a peer to reach our last commit. */
const ENDORSE_CATCH_UP_MS = 2_000;

/**
 * How often every peer and orderer is probed: a peer with qscc GetChainInfo, an orderer with
 * a Deliver of its newest block; both give the height (lag for /readyz, evidence for
 * resending), and an answer brings an endpoint named down back. A probe that gets no answer
 * within PROBE_TIMEOUT_MS names it down: a hung process (SIGSTOP) keeps its connections
 * open, so only a deadline tells.
 */
const PROBE_EVERY_MS = 2_000;
const PROBE_TIMEOUT_MS = 2_000;

/** An endpoint down this long gets a new gRPC channel, and again each time this passes. */
const RENEW_CHANNEL_AFTER_MS = 6_000;

/** How often a transaction waiting for its commit looks whether to send it again. */
const RESEND_CHECK_MS = 500;

/** How long the sends of a transaction not seen committed are remembered (for MAX_RESENDS). */
const SEND_MEMORY_MS = 10 * 60_000;

// --- implementation ---------------------------------------------------------------------

/** This client's sends of one transaction, across the waits for its commit. */
interface SendRecord {
  last: LastSend;
  /** The wait that looks after resending (one at a time); others only wait. */
  holder?: symbol;
}

class Client implements FabricClient {
  readonly pool = new EndpointPool();
  /** Its own view of its endpoints: down, heights, lag. */
  readonly health = new EndpointHealth();
  /** Transactions sent and not seen committed, by id. */
  readonly sends = new Map<string, SendRecord>();
  private readonly watchers = new Map<string, CommitWatcher>();
  private closed = false;
  private readonly ticker: NodeJS.Timeout;
  /** When each endpoint's channel was last renewed (ms since the epoch). */
  private readonly renewedAt = new Map<string, number>();
  /** The channels to probe, each with the first session that used it (the probes' signer). */
  private readonly probed = new Map<string, Session>();
  private readonly probing = new Set<string>();

  constructor(
    readonly addresses: NetworkAddresses,
    readonly timeouts: Timeouts,
  ) {
    this.ticker = setInterval(() => this.tick(), PROBE_EVERY_MS);
    this.ticker.unref();
  }

  /** Probes `channel` from now on, signing as `session` (the first to ask). */
  probe(session: Session, channel: string): void {
    if (!this.probed.has(channel)) this.probed.set(channel, session);
  }

  /**
   * Every PROBE_EVERY_MS: a new gRPC channel for an endpoint down RENEW_CHANNEL_AFTER_MS (one
   * may never reconnect, grpc/grpc-node#2785), the probes, old sends forgotten.
   */
  private tick(): void {
    const now = Date.now();
    for (const d of this.health.endpointsDown()) {
      const address = [...this.addresses.peers, ...this.addresses.orderers].find(
        (a) => a.endpoint === d.endpoint,
      );
      const renewed = this.renewedAt.get(d.endpoint) ?? 0;
      if (address && now - Math.max(d.since, renewed) >= RENEW_CHANNEL_AFTER_MS) {
        this.pool.renew(address);
        this.renewedAt.set(d.endpoint, now);
      }
    }
    for (const [id, record] of this.sends)
      if (!record.holder && now - record.last.at > SEND_MEMORY_MS) this.sends.delete(id);
    for (const [channel, session] of this.probed) {
      for (const p of this.addresses.peers)
        this.once(`${channel}|${p.endpoint}`, () => this.probePeer(session, channel, p));
      for (const o of this.addresses.orderers)
        this.once(`${channel}|${o.endpoint}`, () => this.probeOrderer(session, channel, o));
    }
  }

  /** Runs a probe unless the last one of the same endpoint is still out. */
  private once(key: string, probe: () => Promise<void>): void {
    if (this.probing.has(key)) return;
    this.probing.add(key);
    // A probe's failure is recorded by `observed`; nothing else to do with it.
    probe()
      .catch(() => undefined)
      .finally(() => this.probing.delete(key));
  }

  private async probePeer(session: Session, channel: string, address: PeerAddress): Promise<void> {
    const nonce = randomBytes(NONCE_BYTES);
    const built = buildProposal({
      creator: session.creator,
      nonce,
      channel,
      chaincode: QSCC,
      args: ['GetChainInfo', channel],
      transient: {},
    });
    const signed = signedProposal(built.bytes, await session.signer(built.bytes));
    const response = await observed(this.health, address.endpoint, 'peer', 'probe', () =>
      processProposal(this.pool.client(address), signed, PROBE_TIMEOUT_MS),
    );
    const r = response.getResponse();
    if (r && r.getStatus() === 200) {
      const info = common.BlockchainInfo.deserializeBinary(r.getPayload_asU8());
      this.health.notePeerHeight(channel, address.endpoint, BigInt(info.getHeight()));
    }
  }

  private async probeOrderer(
    session: Session,
    channel: string,
    address: EndpointAddress,
  ): Promise<void> {
    const payload = seekPayload({
      creator: session.creator,
      nonce: randomBytes(NONCE_BYTES),
      channel,
      start: 'newest',
      stop: 'newest',
    });
    const envelope = await signedEnvelope(session, payload);
    let block: common.Block;
    try {
      block = await observed(this.health, address.endpoint, 'orderer', 'probe', () =>
        newestBlock(this.pool.client(address), address.endpoint, envelope, PROBE_TIMEOUT_MS),
      );
    } catch (error) {
      // A status (no Raft leader known to it, say) is an answer: it is up, its height unknown.
      if (error instanceof DeliverStatusError) this.health.noteUp(address.endpoint);
      return;
    }
    const height = BigInt(block.getHeader()?.getNumber() ?? 0) + 1n;
    this.health.noteOrdererHeight(channel, address.endpoint, height);
  }

  connect(identity: SigningIdentity): Gateway {
    const signer = messageSigner(createPrivateKey(identity.privateKey));
    const creator = serializedIdentity(identity);
    const session: Session = { client: this, identity, signer, creator };
    return {
      getNetwork: (channel) => new ChannelNetwork(session, channel),
      close: () => undefined,
    };
  }

  /** The factory's commit stream of a channel, reading as the first identity that needs it. */
  watcher(session: Session, channel: string): CommitWatcher {
    const { home, peers } = this.addresses;
    // The home peer first; after a stream fails, the next peer.
    return this.stream(session, channel, channel, [
      home,
      ...peers.filter((p) => p.endpoint !== home.endpoint),
    ]);
  }

  /**
   * A filtered block stream of one peer that keeps its known height current (for reads and
   * endorsements after our own commits); the home peer's is the commit stream.
   */
  followHeight(session: Session, channel: string, address: PeerAddress): void {
    if (address.endpoint === this.addresses.home.endpoint) this.watcher(session, channel);
    else this.stream(session, channel, `${channel}|${address.endpoint}`, [address]);
  }

  private stream(
    session: Session,
    channel: string,
    key: string,
    peers: readonly PeerAddress[],
  ): CommitWatcher {
    let w = this.watchers.get(key);
    if (!w) {
      // No stream outlives close(): one asked for afterwards would retry for ever.
      if (this.closed) throw new LedgerUnavailableError('the Fabric client is closed', [], {});
      w = new CommitWatcher({
        channel,
        peers,
        health: this.health,
        open: async (address, start, signal) => {
          const payload = seekPayload({
            creator: session.creator,
            nonce: randomBytes(NONCE_BYTES),
            channel,
            start,
          });
          const envelope = await signedEnvelope(session, payload);
          return deliver(
            this.pool.client(address),
            address.endpoint,
            'deliverFiltered',
            envelope,
            signal,
          );
        },
      });
      this.watchers.set(key, w);
    }
    return w;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.ticker);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.pool.close();
  }
}

interface Session {
  client: Client;
  identity: SigningIdentity;
  signer: Signer;
  creator: Uint8Array;
}

async function signedEnvelope(session: Session, payload: Uint8Array): Promise<common.Envelope> {
  return common.Envelope.deserializeBinary(envelopeOf(payload, await session.signer(payload)));
}

class ChannelNetwork implements Network {
  constructor(
    readonly session: Session,
    readonly channel: string,
  ) {
    session.client.probe(session, channel);
  }

  get client(): Client {
    return this.session.client;
  }

  get endpointHealth(): EndpointHealth {
    return this.session.client.health;
  }

  getContract(chaincode: string): Contract {
    return new ChaincodeContract(this, chaincode);
  }

  /** A proposal built and signed by this session's identity. */
  async signedProposalFor(
    chaincode: string,
    transaction: string,
    options: ProposalOptions,
    nonce: Uint8Array,
  ): Promise<{ transactionId: string; bytes: Uint8Array; signed: peer.SignedProposal }> {
    const transient = Object.fromEntries(
      Object.entries(options.transientData ?? {}).map(([k, v]) => [
        k,
        typeof v === 'string' ? Buffer.from(v) : v,
      ]),
    );
    const built = buildProposal({
      creator: this.session.creator,
      nonce,
      channel: this.channel,
      chaincode,
      args: [transaction, ...(options.arguments ?? [])],
      transient,
    });
    return {
      ...built,
      signed: signedProposal(built.bytes, await this.session.signer(built.bytes)),
    };
  }

  /** Peers to read from: the home peer first, then the other peers of its organisation. */
  readers(): PeerAddress[] {
    const { home, peers } = this.client.addresses;
    return [home, ...peers.filter((p) => p.mspId === home.mspId && p.endpoint !== home.endpoint)];
  }

  /**
   * Read your own writes: before a read or an endorsement on `address`, its height must
   * pass the block of our last commit. The peer's own block stream keeps its height; until
   * that stream has read a block, qscc is asked. Within `budgetMs`, then on regardless. A
   * peer known to be down (its stream or last call failed) is not waited for: the call
   * goes at once and fails at once, or finds it back.
   */
  async caughtUp(address: PeerAddress, budgetMs: number): Promise<void> {
    const target = committedBlock(this.channel);
    if (target === undefined) return;
    this.client.followHeight(this.session, this.channel, address);
    const until = Date.now() + budgetMs;
    while (Date.now() < until) {
      if (this.endpointHealth.isDown(address.endpoint)) return;
      const seen = this.endpointHealth.peerHeight(this.channel, address.endpoint);
      if (seen > target) return;
      if (seen === 0n && (await this.heightOf(address)) > target) return;
      await new Promise((r) => setTimeout(r, seen === 0n ? 50 : 5));
    }
  }

  async heightOf(address: PeerAddress): Promise<bigint> {
    const bytes = await this.query(address, 'GetChainInfo', [this.channel]);
    const height = BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
    this.endpointHealth.notePeerHeight(this.channel, address.endpoint, height);
    return height;
  }

  /** Evaluates a qscc function on one peer; rejects with EndorseError on a refusal. */
  async query(address: PeerAddress, fcn: string, args: string[]): Promise<Uint8Array> {
    const nonce = randomBytes(NONCE_BYTES);
    const proposal = await this.signedProposalFor(QSCC, fcn, { arguments: args }, nonce);
    return this.evaluateOn([address], proposal.signed, proposal.transactionId);
  }

  /**
   * Sends a proposal for evaluation to the first peer that answers. A refusal is final
   * (with the chaincode's code when it has one); an unreachable peer passes to the next; a
   * peer named down is not asked (a probe brings it back once it answers).
   */
  async evaluateOn(
    addresses: readonly PeerAddress[],
    signed: peer.SignedProposal,
    transactionId: string,
  ): Promise<Uint8Array> {
    const answers: PeerAnswer[] = addresses
      .filter((a) => this.endpointHealth.isDown(a.endpoint))
      .map((a) => namedDown(a, this.endpointHealth));
    for (const address of this.endpointHealth.up(addresses)) {
      let response: peer.ProposalResponse;
      try {
        response = await observed(this.endpointHealth, address.endpoint, 'peer', 'evaluate', () =>
          processProposal(this.client.pool.client(address), signed, this.client.timeouts.evaluate),
        );
      } catch (error) {
        answers.push(transportAnswer(address, error));
        this.endpointHealth.noteRetry({
          endpoint: address.endpoint,
          role: 'peer',
          call: 'evaluate',
        });
        continue;
      }
      const r = response.getResponse();
      const status = r?.getStatus() ?? 0;
      if (status >= 200 && status < 400) return r?.getPayload_asU8() ?? new Uint8Array();
      throw refusal([{ ...answerOf(address, response), transport: false }], transactionId);
    }
    throw new LedgerUnavailableError(
      `no peer answered: ${answers.map((a) => `${a.endpoint} ${a.message}`).join('; ')}`,
      answers,
      { transactionId },
    );
  }

  async getChaincodeEvents(
    chaincode: string | readonly string[],
    options: { startBlock?: bigint; checkpoint?: Checkpoint } = {},
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    const fromCheckpoint = options.checkpoint?.getBlockNumber();
    const start = fromCheckpoint ?? options.startBlock ?? 0n;
    const afterTx =
      fromCheckpoint === undefined ? undefined : options.checkpoint?.getTransactionId();
    const blocks = this.getBlocks(start);
    async function* events(): AsyncGenerator<ChaincodeEvent> {
      for await (const block of blocks) {
        // In the checkpoint's block: only what comes after the checkpoint's transaction.
        const inCheckpointBlock = BigInt(block.getHeader()?.getNumber() ?? 0) === start;
        yield* chaincodeEventsOf(block, chaincode, inCheckpointBlock ? afterTx : undefined);
      }
    }
    const iterator = events();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: () => blocks.close(),
    };
  }

  getBlocks(startBlock: bigint): CloseableAsyncIterable<common.Block> {
    return closeable(async (signal) => {
      const { home } = this.client.addresses;
      const payload = seekPayload({
        creator: this.session.creator,
        nonce: randomBytes(NONCE_BYTES),
        channel: this.channel,
        start: startBlock,
      });
      const envelope = await signedEnvelope(this.session, payload);
      return deliver(this.client.pool.client(home), home.endpoint, 'deliver', envelope, signal);
    });
  }

  /**
   * Sends the envelope (unless this client sent it before and still waits for it: then it
   * only waits, the resends of the first send go on) and follows its commit, sending it
   * again only as `resendCause` allows (fabric-commits.ts: why a copy is not free).
   */
  async submitEnvelope(envelopeBytes: Uint8Array): Promise<SubmittedTransaction> {
    const transactionId = transactionIdOfEnvelope(envelopeBytes);
    const watcher = this.client.watcher(this.session, this.channel);
    // Listening before sending: the block with the transaction cannot pass unseen.
    const committed = await watcher.expect(transactionId, this.client.timeouts.commit);
    let record = this.client.sends.get(transactionId);
    if (!record) {
      try {
        const by = await this.broadcast(envelopeBytes, transactionId);
        record = { last: { at: Date.now(), by, cutAfter: watcher.height + 1n, resends: 0 } };
        this.client.sends.set(transactionId, record);
      } catch (error) {
        committed.cancel();
        throw error;
      }
    }
    const status = this.resendingUntil(committed.status, watcher, envelopeBytes, record);
    return {
      transactionId,
      getResult: () => new Uint8Array(),
      getStatus: () => this.settle(transactionId, status),
    };
  }

  /**
   * Waits for the commit, sending the envelope again when `resendCause` says so. The commit
   * stream reports the first copy in block order, so a later copy's DUPLICATE_TXID is never
   * the outcome (and FabricLedger.send asks qscc, which knows the first, should the stream
   * have seen only the second).
   */
  private async resendingUntil(
    status: Promise<CommitSeen | undefined>,
    watcher: CommitWatcher,
    envelopeBytes: Uint8Array,
    record: SendRecord,
  ): Promise<CommitSeen | undefined> {
    const transactionId = transactionIdOfEnvelope(envelopeBytes);
    const me = Symbol(transactionId);
    const view = () => ({
      at: Date.now(),
      down: new Set(
        this.endpointHealth
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
      const read = this.endpointHealth.ordererHeight(this.channel, last.at);
      if (!last.untaken && read !== undefined && read > last.cutAfter) last.cutAfter = read;
      const cause = resendCause(last, view());
      if (!cause) continue;
      try {
        const endpoint = await this.broadcast(envelopeBytes, transactionId);
        record.last = {
          at: Date.now(),
          by: endpoint,
          cutAfter: watcher.height + 1n,
          resends: last.resends + 1,
        };
        this.endpointHealth.noteRetry({ endpoint, role: 'orderer', call: 'resend', reason: cause });
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
    if (seen) this.client.sends.delete(transactionId);
    return seen;
  }

  async commitStatus(transactionId: string): Promise<CommitStatus> {
    const watcher = this.client.watcher(this.session, this.channel);
    const committed = await watcher.expect(transactionId, this.client.timeouts.commit);
    // Committed before we started listening: the peer's index knows it already.
    const known = await this.processedTransaction(transactionId);
    if (known) {
      committed.cancel();
      return this.noted({ transactionId, ...known });
    }
    return this.settle(transactionId, committed.status);
  }

  /**
   * The stream's answer; if it did not come in time, what the peer's index says. A
   * DUPLICATE_TXID seen is a later copy of this very transaction (sent again): the outcome
   * is the first copy's, which the peer's index holds (its entry for an id is the lowest
   * block and position).
   */
  private async settle(
    transactionId: string,
    status: Promise<{ blockNumber: bigint; code: number } | undefined>,
  ): Promise<CommitStatus> {
    const seen = await status;
    if (seen && seen.code !== peer.TxValidationCode.DUPLICATE_TXID)
      return this.noted({
        transactionId,
        blockNumber: seen.blockNumber,
        validationCode: seen.code,
      });
    const known = await this.processedTransaction(transactionId);
    if (known) return this.noted({ transactionId, ...known });
    throw new LedgerUnavailableError(
      `no commit of ${transactionId} within ${this.client.timeouts.commit} ms`,
      [],
      { transactionId },
    );
  }

  private noted(s: {
    transactionId: string;
    blockNumber: bigint;
    validationCode: number;
  }): CommitStatus {
    noteCommitted(this.channel, s.blockNumber);
    // The channel has reached this block: peers without it lag behind our own commit.
    this.endpointHealth.noteReached(this.channel, s.blockNumber + 1n);
    this.client.sends.delete(s.transactionId);
    return {
      transactionId: s.transactionId,
      blockNumber: s.blockNumber,
      code: s.validationCode,
      successful: s.validationCode === peer.TxValidationCode.VALID,
    };
  }

  /**
   * Sends to the first orderer that takes it, in the connection's order, skipping those
   * named down (a hung one would cost every broadcast the whole deadline); resolves with
   * the endpoint of the orderer that took it.
   */
  private async broadcast(envelopeBytes: Uint8Array, transactionId: string): Promise<string> {
    const envelope = common.Envelope.deserializeBinary(envelopeBytes);
    const { orderers } = this.client.addresses;
    const failures: PeerAnswer[] = orderers
      .filter((o) => this.endpointHealth.isDown(o.endpoint))
      .map((o) => namedDown({ ...o, mspId: 'orderer' }, this.endpointHealth));
    let unavailable: SubmitError | undefined;
    for (const address of this.endpointHealth.up(orderers)) {
      const retry = { endpoint: address.endpoint, role: 'orderer', call: 'broadcast' } as const;
      let response;
      try {
        response = await observed(
          this.endpointHealth,
          address.endpoint,
          'orderer',
          'broadcast',
          () =>
            broadcast(this.client.pool.client(address), envelope, this.client.timeouts.broadcast),
        );
      } catch (error) {
        failures.push(transportAnswer({ ...address, mspId: 'orderer' }, error));
        this.endpointHealth.noteRetry(retry);
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
        this.endpointHealth.noteRetry(retry);
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
      { transactionId },
    );
  }

  async channelHeight(): Promise<bigint> {
    return this.onReaders((address) => this.heightOf(address));
  }

  async processedTransaction(
    transactionId: string,
  ): Promise<{ validationCode: number; blockNumber: bigint } | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.onReaders((a) =>
        this.query(a, 'GetTransactionByID', [this.channel, transactionId]),
      );
    } catch (error) {
      if (error instanceof EndorseError && error.answers.every(isUnknownTransaction))
        return undefined;
      throw error;
    }
    const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
    const block = common.Block.deserializeBinary(
      await this.onReaders((a) => this.query(a, 'GetBlockByTxID', [this.channel, transactionId])),
    );
    return {
      validationCode: processed.getValidationcode(),
      blockNumber: BigInt(block.getHeader()?.getNumber() ?? 0),
    };
  }

  /** Runs a read on the home peer, or the next reader when one is unreachable. */
  async onReaders<T>(read: (address: PeerAddress) => Promise<T>): Promise<T> {
    const readers = this.readers();
    let last: unknown;
    for (const address of readers) {
      try {
        return await read(address);
      } catch (error) {
        if (!(error instanceof LedgerUnavailableError)) throw error;
        last = error;
      }
    }
    throw last;
  }

  /** Endorses by plan on the peers not named down (an organisation with none counts as failed). */
  endorse(
    plan: EndorsementPlan,
    signed: peer.SignedProposal,
    transactionId: string,
  ): Promise<peer.ProposalResponse[]> {
    const { home, peers } = this.client.addresses;
    return endorseByPlan({
      plan,
      peers: this.endpointHealth.up(peers),
      skipped: peers
        .filter((p) => this.endpointHealth.isDown(p.endpoint))
        .map((p) => namedDown(p, this.endpointHealth)),
      homeMspId: home.mspId,
      transactionId,
      propose: async (address, signal) => {
        // A peer behind our last commit would endorse on stale state.
        await this.caughtUp(address, ENDORSE_CATCH_UP_MS);
        try {
          return await observed(this.endpointHealth, address.endpoint, 'peer', 'endorse', () =>
            processProposal(
              this.client.pool.client(address),
              signed,
              this.client.timeouts.endorse,
              signal,
            ),
          );
        } catch (error) {
          if (!signal.aborted)
            this.endpointHealth.noteRetry({
              endpoint: address.endpoint,
              role: 'peer',
              call: 'endorse',
            });
          throw error;
        }
      },
    });
  }

  health(): NetworkHealth {
    const ordererHeight = this.endpointHealth.ordererHeight(this.channel);
    return {
      down: this.endpointHealth.endpointsDown(),
      lagging: this.endpointHealth.lagging(
        this.channel,
        this.client.addresses.peers.map((p) => p.endpoint),
      ),
      ...(ordererHeight === undefined ? {} : { ordererHeight }),
    };
  }

  onEndpointEvents(listeners: EndpointListeners): () => void {
    return this.endpointHealth.onEvents(listeners);
  }
}

/**
 * A call to one endpoint that records its outcome: a failed call (unreachable, deadline)
 * marks the endpoint down at once and is counted; an answer, whatever it says, marks it
 * up. A call we cancelled ourselves says nothing of the endpoint.
 */
async function observed<T>(
  health: EndpointHealth,
  endpoint: string,
  role: EndpointRole,
  call: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    const result = await run();
    health.noteUp(endpoint);
    return result;
  } catch (error) {
    if (!(isServiceError(error) && error.code === grpcStatus.CANCELLED))
      health.noteFailure(
        { endpoint, role, call },
        error instanceof Error ? error.message : String(error),
      );
    throw error;
  }
}

/** The answer of an endpoint skipped because it is named down (no call made). */
function namedDown(address: PeerAddress, health: EndpointHealth): PeerAnswer {
  const since = health.endpointsDown().find((d) => d.endpoint === address.endpoint)?.since;
  return {
    endpoint: address.endpoint,
    mspId: address.mspId,
    status: grpcStatus.UNAVAILABLE,
    message: `named down${since === undefined ? '' : ` since ${new Date(since).toISOString()}`}, not asked`,
    transport: true,
    skipped: true,
  };
}

/**
 * qscc answers an unknown transaction id with status 500 and a message: the message is all
 * there is (no structured field tells "not found" from other failures). Fabric 2.1 says
 * "Entry not found in index", 2.2 and later "no such transaction ID".
 */
function isUnknownTransaction(answer: PeerAnswer): boolean {
  return (
    !answer.transport && /no such transaction ID|Entry not found in index/i.test(answer.message)
  );
}

class ChaincodeContract implements Contract {
  constructor(
    private readonly network: ChannelNetwork,
    private readonly chaincode: string,
  ) {}

  newProposal(transaction: string, options: ProposalOptions = {}): Proposal {
    const nonce = randomBytes(NONCE_BYTES);
    const network = this.network;
    const chaincode = this.chaincode;
    // Signed on first use, once: a proposal made but never sent signs nothing.
    let signing: ReturnType<ChannelNetwork['signedProposalFor']> | undefined;
    const built = () =>
      (signing ??= network.signedProposalFor(chaincode, transaction, options, nonce));
    const explicit = options.endorsingOrganizations;
    const planOf = (): Promise<EndorsementPlan> =>
      explicit
        ? Promise.resolve({ required: explicit, total: explicit.length, eligible: explicit })
        : Promise.resolve(planFor(network, chaincode, transaction));
    // The id is known before signing (it depends on nonce and creator only).
    const transactionId = transactionIdOf(nonce, network.session.creator);
    return {
      transactionId,
      async evaluate() {
        const p = await built();
        const readers = network.readers();
        const [first] = readers;
        if (first) await network.caughtUp(first, network.client.timeouts.evaluate);
        return network.evaluateOn(readers, p.signed, p.transactionId);
      },
      async endorse() {
        const p = await built();
        const responses = await network.endorse(await planOf(), p.signed, p.transactionId);
        const payload = assembleTransaction(p.bytes, responses);
        const envelope = envelopeOf(payload, await network.session.signer(payload));
        const result = chaincodeResultOf(responses[0] as peer.ProposalResponse);
        return {
          transactionId: p.transactionId,
          getResult: () => result,
          getBytes: () => envelope,
          async submit() {
            const submitted = await network.submitEnvelope(envelope);
            return { ...submitted, getResult: () => result };
          },
        };
      },
    };
  }

  evaluateTransaction(transaction: string, ...args: string[]): Promise<Uint8Array> {
    return this.newProposal(transaction, { arguments: args }).evaluate();
  }

  async submitAsync(
    transaction: string,
    options: ProposalOptions = {},
  ): Promise<SubmittedTransaction> {
    return (await this.newProposal(transaction, options).endorse()).submit();
  }

  async submitTransaction(transaction: string, ...args: string[]): Promise<Uint8Array> {
    const endorsed = await this.newProposal(transaction, { arguments: args }).endorse();
    const submitted = await endorsed.submit();
    const status = await submitted.getStatus();
    if (!status.successful)
      throw new CommitError(status.code, status.blockNumber, {
        transactionId: status.transactionId,
      });
    return endorsed.getResult();
  }
}

/**
 * The plan of a transaction of our chaincode in the namespace it is proposed to (the
 * chaincode name: clearance-gd, clearance-hk or the joint clearance); with only the home
 * peer known (no `peers` in the connection), that one peer endorses and validation decides.
 */
function planFor(network: ChannelNetwork, chaincode: string, transaction: string): EndorsementPlan {
  const { home, peers } = network.client.addresses;
  if (peers.length <= 1 || !isNamespace(chaincode))
    return { required: [home.mspId], total: 1, eligible: [home.mspId] };
  return endorsementPlan(transaction, chaincode);
}
