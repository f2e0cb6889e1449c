/** Endpoint health: down from a failure until a success, listeners told of each event. */
import { describe, expect, it } from '@jest/globals';
import {
  endpointsDown,
  isEndpointDown,
  noteEndpointFailure,
  noteEndpointUp,
  noteRetry,
  onEndpointEvents,
  type EndpointEvent,
} from './fabric-health';

describe('endpoint health', () => {
  it('keeps an endpoint down from its first failure until a call succeeds', () => {
    const peer: EndpointEvent = { endpoint: 'h1:7051', role: 'peer', call: 'endorse' };
    const orderer: EndpointEvent = { endpoint: 'h1:7050', role: 'orderer', call: 'broadcast' };
    noteEndpointFailure(peer, 'connection refused', 1000);
    noteEndpointFailure(orderer, 'deadline', 2000);
    noteEndpointFailure(peer, 'connection refused again', 3000);
    expect(endpointsDown().filter((d) => d.endpoint.startsWith('h1:'))).toEqual([
      { endpoint: 'h1:7051', role: 'peer', since: 1000, reason: 'connection refused' },
      { endpoint: 'h1:7050', role: 'orderer', since: 2000, reason: 'deadline' },
    ]);
    noteEndpointUp('h1:7051');
    expect(isEndpointDown('h1:7051')).toBe(false);
    expect(isEndpointDown('h1:7050')).toBe(true);
    noteEndpointUp('h1:7050');
  });

  it('tells listeners of every failure and retry until they unsubscribe', () => {
    const failures: string[] = [];
    const retries: string[] = [];
    const stop = onEndpointEvents({
      failure: (e) => failures.push(`${e.role} ${e.endpoint} ${e.call}`),
      retry: (e) => retries.push(e.endpoint),
    });
    const event: EndpointEvent = { endpoint: 'h2:7050', role: 'orderer', call: 'broadcast' };
    noteEndpointFailure(event, 'unavailable');
    noteEndpointFailure(event, 'unavailable');
    noteRetry(event);
    stop();
    noteEndpointFailure(event, 'unavailable');
    noteRetry(event);
    expect(failures).toEqual(['orderer h2:7050 broadcast', 'orderer h2:7050 broadcast']);
    expect(retries).toEqual(['h2:7050']);
    noteEndpointUp('h2:7050');
  });
});
