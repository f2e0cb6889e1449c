/**
 * What one Fabric client knows of its endpoints: which peers and orderers are down (a call
 * or a probe failed or timed out; down until one answers again), the channel heights the
 * peers and the orderers were last seen at, and which peers lag behind the orderers (or
 * behind the client's own last commit). Listeners are told of each failure and of each
 * retry elsewhere (the gateway counts them in /metrics). Per client instance: each client
 * has its own, so two clients of one process never share a verdict. No I/O here.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { isServiceError, type PeerAddress } from './endpoints';
import type { PeerAnswer } from './errors';

export type EndpointRole = 'peer' | 'orderer';

export interface EndpointEvent {
  endpoint: string;
  role: EndpointRole;
  /** What failed: a call (`endorse`, `evaluate`, `broadcast`, `probe`) or a block `stream`. */
  call: string;
  /** Why the call was made again, where it has a cause of its own (a `resend`). */
  reason?: string;
}

export interface EndpointState {
  endpoint: string;
  role: EndpointRole;
  /** Time of the failure that made it down (ms since the epoch); kept while it stays down. */
  since: number;
  reason: string;
}

/** A peer behind the orderers' height (or the client's own last commit). */
export interface PeerLag {
  endpoint: string;
  /** The peer's height as last seen. */
  height: bigint;
  /** The highest height the orderers (or our own commits) were seen at. */
  reference: bigint;
  behindBlocks: number;
  /** Since the first block the peer lacks was first seen at the orderers (or committed by us). */
  behindMs: number;
}

export interface EndpointListeners {
  failure?(event: EndpointEvent): void;
  retry?(event: EndpointEvent): void;
}

/**
 * A peer is lagging when it is more than LAG_BLOCKS blocks behind, or has lacked a block for
 * more than LAG_MS. Peers are probed every 2 s, so a healthy peer looks up to about 2 s and
 * a few blocks behind (blocks come every 250 ms under load): these leave room for that.
 */
export const LAG_BLOCKS = 20;
export const LAG_MS = 5_000;
/** Heights first seen kept per channel (the oldest go first). */
const REFERENCE_KEPT = 4_096;

export class EndpointHealth {
  private readonly down = new Map<string, EndpointState>();
  private readonly listeners = new Set<EndpointListeners>();
  /** Peer heights last seen, per `channel|endpoint`. */
  private readonly peerHeights = new Map<string, bigint>();
  /** Per channel: each new highest height of the orderers (or of our commits), first seen when. */
  private readonly reached = new Map<string, { height: bigint; at: number }[]>();
  /** Each orderer's last height read, and when, per `channel|endpoint`. */
  private readonly ordererReadings = new Map<string, { height: bigint; at: number }>();

  /** A call to the endpoint failed (unreachable, deadline, stream ended): it is down. */
  noteFailure(event: EndpointEvent, reason: string, now = Date.now()): void {
    if (!this.down.has(event.endpoint))
      this.down.set(event.endpoint, {
        endpoint: event.endpoint,
        role: event.role,
        since: now,
        reason,
      });
    for (const l of this.listeners) l.failure?.(event);
  }

  /** The endpoint answered (a call, a probe, a block of its stream): it is up. */
  noteUp(endpoint: string): void {
    this.down.delete(endpoint);
  }

  /** The client left this endpoint for another one (or for a later attempt). */
  noteRetry(event: EndpointEvent): void {
    for (const l of this.listeners) l.retry?.(event);
  }

  isDown(endpoint: string): boolean {
    return this.down.has(endpoint);
  }

  /** Endpoints down now, in the order they went down. */
  endpointsDown(): EndpointState[] {
    return [...this.down.values()].sort((a, b) => a.since - b.since);
  }

  /** Those of `addresses` not named down, in their order. */
  up<T extends { endpoint: string }>(addresses: readonly T[]): T[] {
    return addresses.filter((a) => !this.down.has(a.endpoint));
  }

  /** Subscribes to failures and retries; returns the unsubscribe. */
  onEvents(listeners: EndpointListeners): () => void {
    this.listeners.add(listeners);
    return () => {
      this.listeners.delete(listeners);
    };
  }

  notePeerHeight(channel: string, endpoint: string, height: bigint): void {
    const key = `${channel}|${endpoint}`;
    if ((this.peerHeights.get(key) ?? 0n) < height) this.peerHeights.set(key, height);
  }

  /** The height a peer was last seen at (0 when never). */
  peerHeight(channel: string, endpoint: string): bigint {
    return this.peerHeights.get(`${channel}|${endpoint}`) ?? 0n;
  }

  /** An orderer's height, read now. */
  noteOrdererHeight(channel: string, endpoint: string, height: bigint, now = Date.now()): void {
    this.ordererReadings.set(`${channel}|${endpoint}`, { height, at: now });
    this.noteReached(channel, height, now);
  }

  /**
   * The highest height an orderer was read at after `since` (ms since the epoch; by default
   * any reading): undefined when none was.
   */
  ordererHeight(channel: string, since = Number.NEGATIVE_INFINITY): bigint | undefined {
    let top: bigint | undefined;
    for (const [key, r] of this.ordererReadings)
      if (key.startsWith(`${channel}|`) && r.at > since && (top === undefined || r.height > top))
        top = r.height;
    return top;
  }

  /** The channel is known to have reached `height` (an orderer said so, or our own commit). */
  noteReached(channel: string, height: bigint, now = Date.now()): void {
    const list = this.reached.get(channel) ?? [];
    if (height <= (list.at(-1)?.height ?? 0n)) return;
    list.push({ height, at: now });
    if (list.length > REFERENCE_KEPT) list.splice(0, list.length - REFERENCE_KEPT);
    this.reached.set(channel, list);
  }

  /** How far a peer is behind what the channel is known to have reached. */
  lagOf(channel: string, endpoint: string, now = Date.now()): PeerLag | undefined {
    const list = this.reached.get(channel);
    const top = list?.at(-1);
    const height = this.peerHeights.get(`${channel}|${endpoint}`);
    if (!list || !top || height === undefined || height >= top.height) return undefined;
    const firstMissing = list.find((r) => r.height > height) ?? top;
    return {
      endpoint,
      height,
      reference: top.height,
      behindBlocks: Number(top.height - height),
      behindMs: now - firstMissing.at,
    };
  }

  /** The peers of `endpoints` lagging by more than LAG_BLOCKS or LAG_MS. */
  lagging(channel: string, endpoints: readonly string[], now = Date.now()): PeerLag[] {
    return endpoints
      .map((e) => this.lagOf(channel, e, now))
      .filter(
        (l): l is PeerLag =>
          l !== undefined && (l.behindBlocks > LAG_BLOCKS || l.behindMs > LAG_MS),
      );
  }
}

/**
 * A call to one endpoint that records its outcome: a failed call (unreachable, deadline)
 * marks the endpoint down at once and is counted; an answer, whatever it says, marks it
 * up. A call we cancelled ourselves says nothing of the endpoint.
 */
export async function observed<T>(
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
export function namedDown(address: PeerAddress, health: EndpointHealth): PeerAnswer {
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
