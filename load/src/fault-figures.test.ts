/** Fault figures from scripted samples: windows, recovery, resumption, the Raft leader. */
import { describe, expect, it } from '@jest/globals';
import {
  anchoredOnce,
  channelHeightOf,
  faultFigures,
  isRaftLeader,
  lagFigures,
  peerLags,
  unreportedLags,
  type HeightSample,
  type ReadySample,
  type Sample,
} from './fault-figures';

/** One filing every 100 ms from t=0 to 30 s; latency by start time. */
function samples(latency: (start: number) => number | undefined): Sample[] {
  return Array.from({ length: 300 }, (_, i) => {
    const start = i * 100;
    const l = latency(start);
    return l === undefined ? { start } : { start, latency: l };
  });
}

describe('faultFigures', () => {
  const window = { killedAt: 10_000, restartedAt: 15_000 };

  it('reads the p95 of the fault, the recovery after the restart and the resumption', () => {
    const figures = faultFigures(
      samples((t) => (t < 10_000 ? 100 : t < 15_000 ? 20_000 - t : t < 17_000 ? 900 : 100)),
      window,
    );
    expect(figures.baselineP95Ms).toBe(100);
    expect(figures.faultP95Ms).toBe(9_800);
    expect(figures.normalMs).toBe(350);
    expect(figures.recoveryS).toBe(2);
    // Filings of the fault all commit at 20 s; the first one after the restart at 15.9 s.
    expect(figures.resumeS).toBe(5.9);
  });

  it('says 0 when the restart brought nothing abnormal, NaN when the load ended abnormal', () => {
    expect(
      faultFigures(
        samples(() => 100),
        window,
      ).recoveryS,
    ).toBe(0);
    const never = faultFigures(
      samples((t) => (t < 10_000 ? 100 : undefined)),
      window,
    );
    expect(never.faultP95Ms).toBe(Number.POSITIVE_INFINITY);
    expect(never.recoveryS).toBeNaN();
    expect(never.resumeS).toBeNaN();
  });
});

describe('isRaftLeader', () => {
  it('finds the leader flag of the channel', () => {
    const text = [
      '# TYPE consensus_etcdraft_is_leader gauge',
      'consensus_etcdraft_is_leader{channel="system-channel"} 1',
      'consensus_etcdraft_is_leader{channel="clearance"} 0',
    ].join('\n');
    expect(isRaftLeader(text, 'clearance')).toBe(false);
    expect(isRaftLeader(text, 'system-channel')).toBe(true);
  });
});

describe('anchoredOnce', () => {
  const anchors = [
    { batchId: 'EL-1-1', fromCounter: 1, toCounter: 10 },
    { batchId: 'EL-1-11', fromCounter: 11, toCounter: 20 },
  ];

  it('counts a reading in exactly one anchored range, its own batch, as anchored once', () => {
    expect(
      anchoredOnce(
        [
          { counter: 1, batchId: 'EL-1-1' },
          { counter: 10, batchId: 'EL-1-1' },
          { counter: 11, batchId: 'EL-1-11' },
        ],
        anchors,
      ),
    ).toEqual({ once: 3, lost: 0, duplicates: 0 });
  });

  it('counts one in no range, or marked with another batch, lost; one in two, a duplicate', () => {
    expect(
      anchoredOnce(
        [
          { counter: 21, batchId: null },
          { counter: 5, batchId: 'EL-1-11' },
          { counter: 12, batchId: 'EL-1-11' },
        ],
        [...anchors, { batchId: 'EL-1-12', fromCounter: 12, toCounter: 30 }],
      ),
    ).toEqual({ once: 0, lost: 2, duplicates: 1 });
  });
});

describe('peers behind the orderers', () => {
  /** Orderers at 10 + t blocks at t s; peer b stops at 12 from 2 s to 8 s, then catches up. */
  const heights: HeightSample[] = Array.from({ length: 12 }, (_, t) => ({
    at: t * 1000,
    orderers: { o1: 10 + t, ...(t >= 3 && t <= 6 ? {} : { o2: 10 + t }) },
    peers: { a: 10 + t, b: t < 2 ? 10 + t : t <= 8 ? 12 : 10 + t },
  }));

  it("reads the channel height from a node's metrics", () => {
    const text = [
      'ledger_blockchain_height{channel="system-channel"} 2',
      'ledger_blockchain_height{channel="clearance"} 346',
    ].join('\n');
    expect(channelHeightOf(text, 'clearance')).toBe(346);
    expect(channelHeightOf(text, 'other')).toBeUndefined();
  });

  it('measures each peer behind the highest orderer, in blocks and seconds', () => {
    const b = peerLags(heights).filter((l) => l.peer === 'b');
    // At 6 s the orderers are at 16: b lacks block 12, which they first had at 3 s.
    expect(b.find((l) => l.at === 6_000)).toEqual({ at: 6_000, peer: 'b', blocks: 4, seconds: 3 });
    expect(b.find((l) => l.at === 9_000)).toMatchObject({ blocks: 0, seconds: 0 });
  });

  it('gives the most lag and when every peer was level for good after a moment', () => {
    expect(lagFigures(heights, 5_000)).toEqual({
      maxLagBlocks: 6,
      maxLagPeer: 'b',
      caughtUpS: 4,
    });
    // Level for a moment, behind again later: not caught up then.
    const relapse = [...heights, { at: 12_000, orderers: { o1: 30 }, peers: { a: 30, b: 22 } }];
    expect(lagFigures(relapse, 5_000).caughtUpS).toBeNaN();
  });

  it('finds the moments /readyz, asked just before, did not name a peer that lagged', () => {
    const ready = (at: number, status: string, lagging: string[]): ReadySample => ({
      at,
      status,
      lagging,
      down: [],
    });
    const options = { minLagS: 4, withinMs: 500, endpointOf: (p: string) => `${p}:7051` };
    // b lags 4 s or more at 7 s and 8 s: the answers just before those moments are judged.
    const told = [ready(6_800, 'degraded', ['b:7051']), ready(7_900, 'degraded', ['b:7051'])];
    expect(unreportedLags(heights, told, options)).toEqual([]);
    const silent = [ready(6_800, 'ready', []), ready(7_900, 'degraded', ['a:7051'])];
    expect(unreportedLags(heights, silent, options).map((l) => [l.at, l.peer])).toEqual([
      [7_000, 'b'],
      [8_000, 'b'],
    ]);
  });
});
