/**
 * The figures of one fault under load, from the samples of the steady filing load: no I/O.
 * A sample is one filing: when it was meant to start (epoch ms) and, if it ended committed,
 * how long it took from then (ms).
 */
import { percentile } from './stats';

export interface Sample {
  /** Intended start, ms since the epoch. */
  start: number;
  /** From the intended start to the commit being known, ms; undefined if never committed. */
  latency?: number;
}

export interface FaultWindow {
  /** When the process was killed (ms since the epoch). */
  killedAt: number;
  /** When it was running and healthy again. */
  restartedAt: number;
}

export interface FaultFigures {
  baselineP95Ms: number;
  /** p95 of the filings started while the process was down. */
  faultP95Ms: number;
  /** Latency still called normal: twice the baseline p95, at least the baseline + 250 ms. */
  normalMs: number;
  /**
   * From the restart to the start of the first one-second slice after which every slice is
   * normal again (p95 under `normalMs`); 0 if the restart brought nothing abnormal; NaN if
   * the load ended before it was normal again.
   */
  recoveryS: number;
  /** From the kill to the first commit of a filing started after it, s. */
  resumeS: number;
}

const SLICE_MS = 1000;

export function faultFigures(samples: readonly Sample[], window: FaultWindow): FaultFigures {
  const committed = samples.filter(
    (s): s is Required<Sample> => s.latency !== undefined && Number.isFinite(s.latency),
  );
  // Never committed counts as infinitely late: a p95 cannot hide it.
  const latencyOf = (s: Sample) => s.latency ?? Number.POSITIVE_INFINITY;
  const baselineP95Ms = percentile(
    samples.filter((s) => s.start < window.killedAt).map(latencyOf),
    95,
  );
  const faultP95Ms = percentile(
    samples
      .filter((s) => s.start >= window.killedAt && s.start < window.restartedAt)
      .map(latencyOf),
    95,
  );
  const normalMs = Math.max(2 * baselineP95Ms, baselineP95Ms + 250);

  const after = samples.filter((s) => s.start >= window.restartedAt);
  const last = Math.max(...after.map((s) => s.start));
  let lastAbnormalEnd: number | undefined;
  for (let from = window.restartedAt; from <= last; from += SLICE_MS) {
    const slice = after.filter((s) => s.start >= from && s.start < from + SLICE_MS);
    if (slice.length > 0 && percentile(slice.map(latencyOf), 95) > normalMs)
      lastAbnormalEnd = from + SLICE_MS;
  }
  let recoveryS = 0;
  if (lastAbnormalEnd !== undefined)
    recoveryS = lastAbnormalEnd > last ? Number.NaN : (lastAbnormalEnd - window.restartedAt) / 1000;

  const firstCommit = Math.min(
    ...committed.filter((s) => s.start >= window.killedAt).map((s) => s.start + s.latency),
  );
  return {
    baselineP95Ms,
    faultP95Ms,
    normalMs,
    recoveryS,
    resumeS: Number.isFinite(firstCommit) ? (firstCommit - window.killedAt) / 1000 : Number.NaN,
  };
}

/** Whether an orderer's Prometheus text says it leads the channel's Raft cluster. */
export function isRaftLeader(metrics: string, channel: string): boolean {
  return metrics
    .split('\n')
    .some(
      (line) =>
        line.startsWith('consensus_etcdraft_is_leader{') &&
        line.includes(`channel="${channel}"`) &&
        Number(line.slice(line.lastIndexOf(' ') + 1)) === 1,
    );
}

/** An anchored batch of one seal's readings, as the ledger lists it (GetAnchors). */
export interface AnchorRange {
  batchId: string;
  fromCounter: number;
  toCounter: number;
}

/** One acknowledged reading of a seal: its counter and the batch the index marks it with. */
export interface AckedReading {
  counter: number;
  batchId: string | null;
}

/**
 * Acknowledged readings of one seal against the seal's anchors on the ledger: `once` is
 * in exactly one anchored range, and that range is the batch the index gives it; `lost`
 * in none (or the index points elsewhere); `duplicates` in more than one range.
 */
export function anchoredOnce(
  readings: readonly AckedReading[],
  anchors: readonly AnchorRange[],
): { once: number; lost: number; duplicates: number } {
  let once = 0;
  let lost = 0;
  let duplicates = 0;
  for (const r of readings) {
    const covering = anchors.filter((a) => a.fromCounter <= r.counter && r.counter <= a.toCounter);
    if (covering.length > 1) duplicates++;
    else if (covering.length === 1 && covering[0]?.batchId === r.batchId) once++;
    else lost++;
  }
  return { once, lost, duplicates };
}
