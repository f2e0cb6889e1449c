/** Fault figures from scripted samples: windows, recovery, resumption, the Raft leader. */
import { describe, expect, it } from '@jest/globals';
import { anchoredOnce, faultFigures, isRaftLeader, type Sample } from './fault-figures';

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
