/**
 * The gateway's own account of where an operation's time goes
 * (`gateway_operation_stage_seconds{stage}` on its /metrics): read before and after a phase,
 * the difference gives each stage's mean and bucket-bound p50 / p95 over that phase.
 */
export interface StageSnapshot {
  /** By stage: sum (s), count, cumulative bucket counts by upper bound (s). */
  stages: Map<string, { sum: number; count: number; buckets: Map<number, number> }>;
}

const METRIC = 'gateway_operation_stage_seconds';

export function parseStages(text: string): StageSnapshot {
  const stages: StageSnapshot['stages'] = new Map();
  const of = (stage: string) => {
    let s = stages.get(stage);
    if (!s) stages.set(stage, (s = { sum: 0, count: 0, buckets: new Map() }));
    return s;
  };
  for (const line of text.split('\n')) {
    if (!line.startsWith(METRIC)) continue;
    const stage = /stage="([^"]+)"/.exec(line)?.[1];
    if (!stage) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith(`${METRIC}_sum`)) of(stage).sum = value;
    else if (line.startsWith(`${METRIC}_count`)) of(stage).count = value;
    else if (line.startsWith(`${METRIC}_bucket`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1] as string;
      of(stage).buckets.set(le === '+Inf' ? Infinity : Number(le), value);
    }
  }
  return { stages };
}

export interface StageFigures {
  count: number;
  mean_ms: number;
  p50_le_ms: number;
  p95_le_ms: number;
}

/** The stages' figures over what happened between two snapshots, in path order. */
export function stageDelta(
  before: StageSnapshot,
  after: StageSnapshot,
): Record<string, StageFigures> {
  const out: Record<string, StageFigures> = {};
  const names = [...after.stages.keys()].sort((a, b) => rank(a) - rank(b));
  for (const stage of names) {
    const a = after.stages.get(stage);
    const b = before.stages.get(stage);
    if (!a) continue;
    const count = a.count - (b?.count ?? 0);
    if (count <= 0) continue;
    const bound = (q: number) => {
      const sorted = [...a.buckets.entries()].sort((x, y) => x[0] - y[0]);
      const hit = sorted.find(([le, n]) => n - (b?.buckets.get(le) ?? 0) >= q * count);
      return hit ? hit[0] * 1000 : Number.NaN;
    };
    out[stage] = {
      count,
      mean_ms: Number((((a.sum - (b?.sum ?? 0)) / count) * 1000).toFixed(2)),
      p50_le_ms: bound(0.5),
      p95_le_ms: bound(0.95),
    };
  }
  return out;
}

/** The path's order (unknown stages last). */
export const STAGE_ORDER = [
  'accepted',
  'stored',
  'queued',
  'picked',
  'loaded',
  'endorsed',
  'envelope',
  'ordered',
  'committed',
  'recorded',
  'answered',
  'total',
];
const rank = (stage: string) => {
  const i = STAGE_ORDER.indexOf(stage);
  return i < 0 ? STAGE_ORDER.length : i;
};

export function stageTable(stages: Record<string, StageFigures>): string[] {
  const lines = [
    `${'gateway stage'.padEnd(14)}${'n'.padStart(7)}${'mean ms'.padStart(10)}${'p50<='.padStart(9)}${'p95<='.padStart(9)}`,
  ];
  for (const [stage, f] of Object.entries(stages))
    lines.push(
      `${stage.padEnd(14)}${String(f.count).padStart(7)}${f.mean_ms.toFixed(1).padStart(10)}${String(f.p50_le_ms).padStart(9)}${String(f.p95_le_ms).padStart(9)}`,
    );
  lines.push(
    '  (accepted: received → row stored, incl. signature check; stored ⊂ accepted; picked: enqueued → runner; answered: outcome recorded → reply; total: received → reply)',
  );
  return lines;
}
