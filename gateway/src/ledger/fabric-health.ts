/**
 * What the Fabric client knows of its endpoints, per process: which peers and orderers
 * failed their last call (down until one succeeds again), and listeners told of each
 * failure and of each retry elsewhere (the gateway counts them in /metrics). No I/O here.
 */

export type EndpointRole = 'peer' | 'orderer';

export interface EndpointEvent {
  endpoint: string;
  role: EndpointRole;
  /** What failed: a call (`endorse`, `evaluate`, `broadcast`) or a block `stream`. */
  call: string;
  /** Why the call was made again, where it has a cause of its own (a `resend`). */
  reason?: string;
}

export interface EndpointState {
  endpoint: string;
  role: EndpointRole;
  /** Time of the failure that made it down (ms since the epoch). */
  since: number;
  reason: string;
}

const down = new Map<string, EndpointState>();
const failureListeners = new Set<(event: EndpointEvent) => void>();
const retryListeners = new Set<(event: EndpointEvent) => void>();

/** A call to the endpoint failed (unreachable, deadline, stream ended): it is down. */
export function noteEndpointFailure(event: EndpointEvent, reason: string, now = Date.now()): void {
  if (!down.has(event.endpoint))
    down.set(event.endpoint, { endpoint: event.endpoint, role: event.role, since: now, reason });
  for (const listener of failureListeners) listener(event);
}

/** The endpoint cannot be connected to (seen by a connectivity check, not a call). */
export function noteEndpointUnreachable(
  endpoint: string,
  role: EndpointRole,
  now = Date.now(),
): void {
  if (!down.has(endpoint))
    down.set(endpoint, { endpoint, role, since: now, reason: 'cannot connect' });
}

/** A call to the endpoint succeeded (or its stream delivered a block): it is up. */
export function noteEndpointUp(endpoint: string): void {
  down.delete(endpoint);
}

/** The client left this endpoint for another one (or for a later attempt). */
export function noteRetry(event: EndpointEvent): void {
  for (const listener of retryListeners) listener(event);
}

export function isEndpointDown(endpoint: string): boolean {
  return down.has(endpoint);
}

/** Endpoints down now, in the order they went down. */
export function endpointsDown(): EndpointState[] {
  return [...down.values()].sort((a, b) => a.since - b.since);
}

/** Subscribes to failures and retries; returns the unsubscribe. */
export function onEndpointEvents(listeners: {
  failure?(event: EndpointEvent): void;
  retry?(event: EndpointEvent): void;
}): () => void {
  const { failure, retry } = listeners;
  if (failure) failureListeners.add(failure);
  if (retry) retryListeners.add(retry);
  return () => {
    if (failure) failureListeners.delete(failure);
    if (retry) retryListeners.delete(retry);
  };
}
