/**
 * CPU time by process kind, read from /proc: what a bench phase cost each process the
 * devnet and the stack started (peers, orderers, chaincode servers, PostgreSQL with all its
 * backends, Redis, the gateway) and the load client itself. A process's figure is its own
 * utime + stime (all its threads) plus what its children used, living (summed over the
 * tree) or ended (cutime + cstime): PostgreSQL's backends are children of the postmaster.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A kind of process and the pids at the roots of its trees. */
export interface ProcessKind {
  kind: string;
  pids: number[];
}

interface ProcStat {
  ppid: number;
  /** utime + stime, in clock ticks. */
  own: number;
  /** cutime + cstime: children that ended and were waited for. */
  children: number;
}

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
const TICKS = clockTicks();

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // ended meanwhile
  }
  // The command (field 2) is in parentheses and may hold spaces: fields after its ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i - 3]);
  return { ppid: n(4), own: n(14) + n(15), children: n(16) + n(17) };
}

/** Every process's stat, once (for the trees). */
function allStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  return stats;
}

/** CPU milliseconds used so far by each kind's process trees. */
export function cpuMs(kinds: readonly ProcessKind[]): Map<string, number> {
  const stats = allStats();
  const childrenOf = new Map<number, number[]>();
  for (const [pid, stat] of stats) {
    const list = childrenOf.get(stat.ppid) ?? [];
    list.push(pid);
    childrenOf.set(stat.ppid, list);
  }
  // A process another kind names is counted there, not in its parent's tree (the gateway,
  // spawned by the bench, is not the load client's).
  const roots = new Set(kinds.flatMap((k) => k.pids));
  const treeTicks = (root: number, seen: Set<number>): number => {
    if (seen.has(root)) return 0;
    seen.add(root);
    const stat = stats.get(root);
    if (!stat) return 0;
    let ticks = stat.own + stat.children;
    for (const child of childrenOf.get(root) ?? [])
      if (!roots.has(child)) ticks += treeTicks(child, seen);
    return ticks;
  };
  const out = new Map<string, number>();
  for (const { kind, pids } of kinds) {
    const seen = new Set<number>();
    const ticks = pids.reduce((sum, pid) => sum + treeTicks(pid, seen), 0);
    out.set(kind, (out.get(kind) ?? 0) + (ticks * 1000) / TICKS);
  }
  return out;
}

/**
 * The processes of a devnet, from its pid files (`<name>.pid`: pid, then start time):
 * each peer by name, the orderers together, each chaincode server, PostgreSQL, Redis.
 */
export function devnetProcesses(pidsDir: string): ProcessKind[] {
  const kinds = new Map<string, number[]>();
  let files: string[] = [];
  try {
    files = fs.readdirSync(pidsDir).filter((f) => f.endsWith('.pid'));
  } catch {
    return [];
  }
  for (const file of files.sort()) {
    const name = file.slice(0, -'.pid'.length);
    const pid = Number(fs.readFileSync(path.join(pidsDir, file), 'utf8').trim().split(/\s+/)[0]);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const kind = /^orderer\d*$/.test(name) ? 'orderers' : name;
    kinds.set(kind, [...(kinds.get(kind) ?? []), pid]);
  }
  return [...kinds.entries()].map(([kind, pids]) => ({ kind, pids }));
}

/** Which side of the bench's target a kind counts on (Fabric's, or the gateway's). */
export function sideOf(kind: string): 'fabric' | 'gateway' | 'client' | 'other' {
  if (kind.startsWith('peer') || kind === 'orderers' || kind.startsWith('chaincode'))
    return 'fabric';
  if (kind === 'gateway' || kind === 'postgres' || kind === 'redis') return 'gateway';
  if (kind === 'load client') return 'client';
  return 'other';
}

export interface CpuPhase {
  /** CPU ms per filing by kind, over the phase. */
  perFiling: Record<string, number>;
  /** Cores busy on average by kind over the phase. */
  cores: Record<string, number>;
  filings: number;
  seconds: number;
}

/** Starts counting; `end(filings)` gives the phase's CPU per filing by kind. */
export function cpuMeter(kinds: () => readonly ProcessKind[]): {
  end(filings: number): CpuPhase;
} {
  const list = kinds();
  const before = cpuMs(list);
  const started = process.hrtime.bigint();
  return {
    end(filings) {
      const after = cpuMs(list);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const perFiling: Record<string, number> = {};
      const cores: Record<string, number> = {};
      for (const [kind, ms] of after) {
        const used = Math.max(0, ms - (before.get(kind) ?? 0));
        perFiling[kind] = filings > 0 ? used / filings : Number.NaN;
        cores[kind] = used / 1000 / seconds;
      }
      return { perFiling, cores, filings, seconds };
    },
  };
}

/** The sum of CPU ms per filing and the rate it allows on this machine's cores. */
export function floorOf(perFiling: Record<string, number>, kinds?: (kind: string) => boolean) {
  const ms = Object.entries(perFiling)
    .filter(([kind]) => !kinds || kinds(kind))
    .reduce((a, [, v]) => a + v, 0);
  return { ms, filingsPerSecond: (os.cpus().length * 1000) / ms };
}

/** Means of several phases of one side, kind by kind. */
export function meanPhases(phases: readonly CpuPhase[]): CpuPhase {
  const kinds = new Set(phases.flatMap((p) => Object.keys(p.perFiling)));
  const filings = phases.reduce((a, p) => a + p.filings, 0);
  const seconds = phases.reduce((a, p) => a + p.seconds, 0);
  const perFiling: Record<string, number> = {};
  const cores: Record<string, number> = {};
  for (const kind of kinds) {
    const ms = phases.reduce((a, p) => a + (p.perFiling[kind] ?? 0) * p.filings, 0);
    perFiling[kind] = ms / filings;
    cores[kind] = ms / 1000 / seconds;
  }
  return { perFiling, cores, filings, seconds };
}

/** The per-process table of a direct and a gateway side, printed. */
export function cpuTable(sides: Record<string, CpuPhase>): string[] {
  const names = Object.keys(sides);
  const kinds = [...new Set(Object.values(sides).flatMap((p) => Object.keys(p.perFiling)))].sort(
    (a, b) => order(a) - order(b) || a.localeCompare(b),
  );
  const cell = (n: number | undefined, d = 2) =>
    (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d)).padStart(12);
  const lines = [
    `${'CPU ms / filing'.padEnd(20)}${names.map((n) => `${n.padStart(12)}${'(cores)'.padStart(9)}`).join('')}`,
  ];
  for (const kind of kinds)
    lines.push(
      `${kind.padEnd(20)}${names
        .map((n) => `${cell(sides[n]?.perFiling[kind])}${cell(sides[n]?.cores[kind]).slice(3)}`)
        .join('')}`,
    );
  for (const [label, filter] of [
    ['= Fabric', (k: string) => sideOf(k) === 'fabric'],
    ['= gateway+PG+Redis', (k: string) => sideOf(k) === 'gateway'],
    ['= all but client', (k: string) => sideOf(k) !== 'client'],
  ] as const)
    lines.push(
      `${label.padEnd(20)}${names
        .map((n) => {
          const f = floorOf(sides[n]?.perFiling ?? {}, filter);
          return `${cell(f.ms)}${`(${f.filingsPerSecond.toFixed(0)}/s)`.padStart(9)}`;
        })
        .join('')}`,
    );
  lines.push(
    `  (floor: ${os.cpus().length} cores / CPU per filing, in parentheses on the "=" lines)`,
  );
  return lines;
}

function order(kind: string): number {
  return { fabric: 0, gateway: 1, other: 2, client: 3 }[sideOf(kind)];
}
