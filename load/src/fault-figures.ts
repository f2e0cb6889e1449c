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

/** The channel height a Fabric node's Prometheus text gives (`ledger_blockchain_height`). */
export function channelHeightOf(metrics: string, channel: string): number | undefined {
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith('ledger_blockchain_height{') && l.includes(`channel="${channel}"`));
  if (!line) return undefined;
  const value = Number(line.slice(line.lastIndexOf(' ') + 1));
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The heights of the devnet's nodes at one moment, read from their operations endpoints; a
 * node that did not answer (stopped, hung) is absent.
 */
export interface HeightSample {
  at: number;
  orderers: Readonly<Record<string, number>>;
  peers: Readonly<Record<string, number>>;
}

/** What /readyz said at one moment: its status and the peers it named lagging or down. */
export interface ReadySample {
  at: number;
  status: string;
  /** Endpoints under `ledger.lagging`. */
  lagging: readonly string[];
  /** Endpoints under `ledger.down`. */
  down: readonly string[];
  /** When /readyz says each endpoint under `ledger.down` went down (ISO time). */
  downSince?: Readonly<Record<string, string>>;
}

/** How far each peer was behind the orderers at one sample, in blocks and in seconds. */
export interface PeerLag {
  at: number;
  peer: string;
  blocks: number;
  /** Since the orderers first had (in these samples) the first block the peer lacks. */
  seconds: number;
}

/** Every peer's lag behind the highest orderer height, sample by sample. */
export function peerLags(samples: readonly HeightSample[]): PeerLag[] {
  const lags: PeerLag[] = [];
  // When the orderers were first seen at each height (their highest, sample by sample).
  const reached: { height: number; at: number }[] = [];
  for (const s of samples) {
    const top = Math.max(...Object.values(s.orderers));
    if (Number.isFinite(top) && top > (reached.at(-1)?.height ?? -1))
      reached.push({ height: top, at: s.at });
    const best = reached.at(-1)?.height ?? 0;
    for (const [peer, height] of Object.entries(s.peers)) {
      const blocks = Math.max(0, best - height);
      const firstMissing = reached.find((r) => r.height > height);
      const seconds = blocks > 0 && firstMissing ? (s.at - firstMissing.at) / 1000 : 0;
      lags.push({ at: s.at, peer, blocks, seconds });
    }
  }
  return lags;
}

export interface LagFigures {
  /** The most blocks a peer was behind the orderers, and which. */
  maxLagBlocks: number;
  maxLagPeer?: string;
  /**
   * From `from` (the orderer resumed, the process restarted) until every peer was within
   * `slack` blocks of the orderers for good (at that sample and every later one), s; NaN
   * if the last sample still has a peer further behind.
   */
  caughtUpS: number;
}

export function lagFigures(samples: readonly HeightSample[], from: number, slack = 1): LagFigures {
  const lags = peerLags(samples);
  let maxLagBlocks = 0;
  let maxLagPeer: string | undefined;
  for (const l of lags)
    if (l.blocks > maxLagBlocks) {
      maxLagBlocks = l.blocks;
      maxLagPeer = l.peer;
    }
  const level = (s: HeightSample) =>
    Object.keys(s.peers).length > 0 &&
    lags.filter((l) => l.at === s.at).every((l) => l.blocks <= slack);
  const after = samples.filter((s) => s.at >= from);
  let firstOfGood: HeightSample | undefined;
  for (const s of after) firstOfGood = level(s) ? (firstOfGood ?? s) : undefined;
  return {
    maxLagBlocks,
    ...(maxLagPeer ? { maxLagPeer } : {}),
    caughtUpS: firstOfGood ? (firstOfGood.at - from) / 1000 : Number.NaN,
  };
}

/**
 * Moments a peer had been behind the orderers for at least `minLagS` (time enough for the
 * gateway to see it) and the last /readyz answer before, within `withinMs`, did not name it
 * (lagging or down) with a status other than `ready`. A moment with no /readyz answer just
 * before it is not judged.
 */
export function unreportedLags(
  heights: readonly HeightSample[],
  ready: readonly ReadySample[],
  options: { minLagS: number; withinMs: number; endpointOf(peer: string): string },
): PeerLag[] {
  return peerLags(heights).filter((l) => {
    if (l.seconds < options.minLagS) return false;
    const answer = [...ready]
      .reverse()
      .find((r) => r.at <= l.at && r.at >= l.at - options.withinMs);
    if (!answer) return false;
    const endpoint = options.endpointOf(l.peer);
    const named = answer.lagging.includes(endpoint) || answer.down.includes(endpoint);
    return !(answer.status !== 'ready' && named);
  });
}
