/** Endpoint health per client: down until an answer, listeners, heights and lag. */
import { describe, expect, it } from '@jest/globals';
import { EndpointHealth, LAG_BLOCKS, LAG_MS, type EndpointEvent } from './health';

describe('endpoint health', () => {
  const peer: EndpointEvent = { endpoint: 'h1:7051', role: 'peer', call: 'endorse' };
  const orderer: EndpointEvent = { endpoint: 'h1:7050', role: 'orderer', call: 'broadcast' };

  it('keeps an endpoint down from its first failure (its since too) until it answers', () => {
    const health = new EndpointHealth();
    health.noteFailure(peer, 'deadline exceeded', 1000);
    health.noteFailure(orderer, 'deadline', 2000);
    health.noteFailure({ ...peer, call: 'probe' }, 'deadline exceeded again', 3000);
    expect(health.endpointsDown()).toEqual([
      { endpoint: 'h1:7051', role: 'peer', since: 1000, reason: 'deadline exceeded' },
      { endpoint: 'h1:7050', role: 'orderer', since: 2000, reason: 'deadline' },
    ]);
    expect(health.up([{ endpoint: 'h1:7050' }, { endpoint: 'h2:7050' }])).toEqual([
      { endpoint: 'h2:7050' },
    ]);
    health.noteUp('h1:7051');
    expect(health.isDown('h1:7051')).toBe(false);
    expect(health.isDown('h1:7050')).toBe(true);
  });

  it('is one per client: another client does not see its endpoints down', () => {
    const a = new EndpointHealth();
    const b = new EndpointHealth();
    a.noteFailure(peer, 'unavailable', 1000);
    expect(a.isDown(peer.endpoint)).toBe(true);
    expect(b.isDown(peer.endpoint)).toBe(false);
  });

  it('tells listeners of every failure and retry until they unsubscribe', () => {
    const health = new EndpointHealth();
    const failures: string[] = [];
    const retries: string[] = [];
    const stop = health.onEvents({
      failure: (e) => failures.push(`${e.role} ${e.endpoint} ${e.call}`),
      retry: (e) => retries.push(e.endpoint),
    });
    const event: EndpointEvent = { endpoint: 'h2:7050', role: 'orderer', call: 'broadcast' };
    health.noteFailure(event, 'unavailable');
    health.noteFailure(event, 'unavailable');
    health.noteRetry(event);
    stop();
    health.noteFailure(event, 'unavailable');
    health.noteRetry(event);
    expect(failures).toEqual(['orderer h2:7050 broadcast', 'orderer h2:7050 broadcast']);
    expect(retries).toEqual(['h2:7050']);
  });
});

describe('peers lagging behind the orderers or our own commits', () => {
  const peers = ['p1:7051', 'p2:8051'];

  it('names a peer that has lacked a block for more than LAG_MS, with how far behind', () => {
    const health = new EndpointHealth();
    health.noteOrdererHeight('c', 'o1:7050', 100n, 0);
    health.notePeerHeight('c', 'p1:7051', 100n);
    health.notePeerHeight('c', 'p2:8051', 100n);
    health.noteOrdererHeight('c', 'o1:7050', 101n, 1_000);
    health.noteOrdererHeight('c', 'o1:7050', 103n, 2_000);
    health.notePeerHeight('c', 'p1:7051', 103n);
    // p2 lacks block 100 (first at the orderers at 1 s): behind, not yet lagging.
    expect(health.lagging('c', peers, 1_000 + LAG_MS)).toEqual([]);
    expect(health.lagging('c', peers, 1_001 + LAG_MS)).toEqual([
      {
        endpoint: 'p2:8051',
        height: 100n,
        reference: 103n,
        behindBlocks: 3,
        behindMs: LAG_MS + 1,
      },
    ]);
    expect(health.ordererHeight('c')).toBe(103n);
    // Read since 1.5 s: only the reading at 2 s counts.
    health.noteOrdererHeight('c', 'o2:7150', 102n, 2_500);
    expect(health.ordererHeight('c', 2_000)).toBe(102n);
    expect(health.ordererHeight('c', 2_500)).toBeUndefined();
  });

  it('names a peer more than LAG_BLOCKS behind at once', () => {
    const health = new EndpointHealth();
    health.notePeerHeight('c', 'p1:7051', 10n);
    health.noteOrdererHeight('c', 'o1:7050', 10n + BigInt(LAG_BLOCKS), 0);
    expect(health.lagging('c', peers, 0)).toEqual([]);
    health.noteOrdererHeight('c', 'o1:7050', 11n + BigInt(LAG_BLOCKS), 1);
    expect(health.lagging('c', peers, 1).map((l) => [l.endpoint, l.behindBlocks])).toEqual([
      ['p1:7051', LAG_BLOCKS + 1],
    ]);
  });

  it('measures against our own commits too, and never against a lower orderer reading', () => {
    const health = new EndpointHealth();
    health.notePeerHeight('c', 'p1:7051', 50n);
    // The home peer delivered our commit in block 59: the channel has 60 blocks.
    health.noteReached('c', 60n, 0);
    // An orderer that lags itself (it just resumed) says 40: the reference stays.
    health.noteOrdererHeight('c', 'o1:7050', 40n, 1);
    expect(health.lagOf('c', 'p1:7051', 10_000)).toEqual({
      endpoint: 'p1:7051',
      height: 50n,
      reference: 60n,
      behindBlocks: 10,
      behindMs: 10_000,
    });
    // A peer at the reference, or never seen, is not lagging.
    health.notePeerHeight('c', 'p1:7051', 60n);
    expect(health.lagging('c', peers, 20_000)).toEqual([]);
  });
});
