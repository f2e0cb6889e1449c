/**
 * A thin Fabric client of our own over @hyperledger/fabric-protos and @grpc/grpc-js: the
 * Endorser, AtomicBroadcast and Deliver services that Fabric 2.1 peers have as well as 2.5
 * and 3.x ones (2.1 has no Gateway service, so @hyperledger/fabric-gateway cannot talk to
 * it). Chosen over fabric-network / fabric-common 2.2, which bring old dependencies
 * (jsrsasign, elliptic, winston 2) and a callback-era design. Its shape follows
 * fabric-gateway's: factories, public interfaces, private implementations, one error class
 * per stage (errors.ts).
 *
 * The client is the connection: one gRPC channel per endpoint shared by every identity
 * connected through it, and everything it learns, kept on the instance (two clients of one
 * process share nothing): endpoint health, the commit streams, the sends awaiting commit,
 * the heights of its own commits. Endorsement: on the peers the endorsement plan
 * (endorsement-plan.ts) names for the transaction, routing around a dead optional peer.
 * Commit status: a filtered Deliver stream of the home peer. Reads after our own writes
 * wait until the peer has the block of our last commit.
 */
import { randomBytes } from 'node:crypto';
import { CommitWatcher, newCommitHeights, type CommitHeights } from './commit';
import { deliver, EndpointPool, type EndpointAddress, type PeerAddress } from './endpoints';
import { LedgerUnavailableError } from './errors';
import { EndpointHealth } from './health';
import { newSession, signedEnvelope, type Session, type SigningIdentity } from './identity';
import { ChannelNetwork, type Network } from './network';
import { PROBE_EVERY_MS, probeOrderer, probePeer } from './probes';
import { NONCE_BYTES, seekPayload } from './protocol';
import { SendLog } from './transaction';

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

export interface ClientOptions {
  timeouts?: Timeouts;
  /**
   * The heights of another client's commits, to share on purpose: this client's reads and
   * endorsements then wait for peers to have that client's writes too. Its own by default.
   */
  commitHeights?: CommitHeights;
}

/** One identity connected through a client. */
export interface Gateway {
  getNetwork(channel: string): Network;
  close(): void;
}

/** Gateways for many identities over one set of gRPC channels. */
export interface FabricClient {
  connect(identity: SigningIdentity): Gateway;
  /** The blocks this client's transactions committed in (see ClientOptions.commitHeights). */
  readonly commitHeights: CommitHeights;
  close(): void;
}

export function createFabricClient(
  addresses: NetworkAddresses,
  options: ClientOptions = {},
): FabricClient {
  return new Client(addresses, options.timeouts ?? DEFAULT_TIMEOUTS, options.commitHeights);
}

/** An endpoint down this long gets a new gRPC channel, and again each time this passes. */
const RENEW_CHANNEL_AFTER_MS = 6_000;

/** The client: its connections and all it knows (package-private; see FabricClient). */
export class Client implements FabricClient {
  readonly pool = new EndpointPool();
  /** Its own view of its endpoints: down, heights, lag. */
  readonly health = new EndpointHealth();
  /** Transactions sent and not seen committed. */
  readonly sends = new SendLog();
  readonly commitHeights: CommitHeights;
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
    commitHeights: CommitHeights = newCommitHeights(),
  ) {
    this.commitHeights = commitHeights;
    this.ticker = setInterval(() => this.tick(), PROBE_EVERY_MS);
    this.ticker.unref();
  }

  connect(identity: SigningIdentity): Gateway {
    const session = newSession(identity);
    return {
      getNetwork: (channel) => new ChannelNetwork(this, session, channel),
      close: () => undefined,
    };
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
    this.sends.forgetOld(now);
    for (const [channel, session] of this.probed) {
      for (const p of this.addresses.peers)
        this.once(`${channel}|${p.endpoint}`, () => probePeer(this, session, channel, p));
      for (const o of this.addresses.orderers)
        this.once(`${channel}|${o.endpoint}`, () => probeOrderer(this, session, channel, o));
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

  /** The client's commit stream of a channel, reading as the first identity that needs it. */
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
      if (this.closed)
        throw new LedgerUnavailableError('the Fabric client is closed', [], {
          stage: 'commit-status',
        });
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
