/**
 * Faults under load: a steady filing load through the gateway (open model, at a fixed
 * rate), the fleet's readings (fault-fleet.ts) and GETs of indexed summaries beside it;
 * then, one at a time, kill -9 of one process
 * of the system and its restart (by the devnet launcher, or the stack for the gateway),
 * or a hang of an orderer (SIGSTOP for 20 s, then SIGCONT: `*-hung`, the gateway started
 * with it first in its orderer list or last).
 *
 *   npm run faults [-- --quick] [-- --only peer-not-needed,orderer-leader] [-- --rate N]
 *                  [-- --reset-devnet]   (make the devnet again with 3 orderers if it has 1)
 *
 * Per fault: filings acknowledged (2xx) and whether each ended committed exactly once on the
 * ledger (Declaration:GetHistory), duplicates (a second FILE, a second operation), index =
 * ledger afterwards (the code of `npm run index -- compare`), p95 of the filings started
 * while the process was down, time from the restart to normal latency, what /readyz named
 * down; the peers' lag behind the orderers (their operations metrics), when they caught up,
 * whether /readyz named a lagging peer. A filing the gateway never answered (it was dead, PostgreSQL was) is sent again with
 * its Idempotency-Key, as a client would, and must then be committed once too. Readings
 * acknowledged (202) must each end anchored exactly once.
 *
 * Prints a table and writes load/results/faults.json.
 */
import './quiet-logs';
import { sampleFiling, signFiling } from '@clearance/testkit/chaincode';
import { compareIndex, createFabricLedger, type Ledger } from '@clearance/gateway';
import { until } from '@clearance/testkit/gateway';
import { Devnet, kill9Tree, REPO_ROOT } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { driveFleet, fleetFigures, sealFleet, type FleetFigures } from './fault-fleet';
import { postFiling, sendFilings, signFilings } from './filing-load';
import {
  faultFigures,
  lagFigures,
  unreportedLags,
  type PeerLag,
  type Sample,
} from './fault-figures';
import { PEER_ENDPOINTS, sampleHeights, sampleReadiness } from './heights';
import { connectionWithOrderers, raftRoles, signal } from './orderer-faults';
import { startReadLoad } from './read-load';
import { devnetPlan, FaultPlanError } from './fault-plan';
import { startStack, type Stack } from './stack';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RATE = Number(option('--rate') ?? 8);
const PHASE = quick
  ? { steadyS: 8, downS: 6, recoveryS: 10, getRate: 10 }
  : { steadyS: 20, downS: 10, recoveryS: 20, getRate: 20 };
/** A hung orderer stays stopped this long (the issue's 20 s), then resumes (SIGCONT). */
const HANG_S = 20;
/** After it resumes, the load goes on this long: peers must be back at the orderers' height within 30 s. */
const HANG_RECOVERY_S = 30;
const CHANNEL = 'clearance';
/** The peer whose organisation a GD filing does not need (not of GD, not on the border). */
const PEER_NOT_NEEDED = 'peer-logistics';
/**
 * The other side's customs peer: a GD filing needed it while one collection of all three
 * customs agencies took every filing; in GD's own namespace (clearance-gd) it does not.
 */
const PEER_OTHER_SIDE = 'peer-hkcustoms';
/** The other GD agency's peer: GD's policy takes either GD agency's endorsement. */
const PEER_OTHER_GD_AGENCY = 'peer-gdciq';

const log = (line: string) => console.log(line);

interface Fault {
  name: string;
  /** Orderers the fault needs: 3 for the Raft faults (checked before the run starts). */
  orderers?: 1 | 3;
  /** The process to kill (resolved at the time of the fault: the Raft leader moves). */
  target(stack: Stack): Promise<string>;
  kill(stack: Stack, target: string): Promise<void>;
  restart(stack: Stack, target: string): Promise<void>;
  /**
   * A hang (SIGSTOP for HANG_S, then SIGCONT) rather than a kill; the gateway is started
   * first with the target first in its orderer list, or last.
   */
  hang?: { first: boolean };
}

/** kill -9 of a devnet process and whatever it started, once all are gone. */
async function killDevnetProcess(stack: Stack, name: string): Promise<void> {
  const pid = stack.devnet.pidOf(name);
  if (pid === undefined) throw new Error(`${name} is not running`);
  await kill9Tree(pid);
}

const raftRolesOf = (stack: Stack) => raftRoles(stack.devnet, CHANNEL);

const devnetFault = (
  name: string,
  target: (stack: Stack) => Promise<string>,
  orderers: 1 | 3 = 1,
): Fault => ({
  name,
  orderers,
  target,
  kill: killDevnetProcess,
  // The launcher: `devnet up` restarts exactly what is not running.
  restart: async (stack) => {
    await stack.devnet.up();
  },
});

/** An orderer hung (SIGSTOP) for HANG_S under load, then resumed (SIGCONT). */
const hungOrderer = (name: string, role: 'leader' | 'follower', first: boolean): Fault => ({
  name,
  orderers: 3,
  target: async (stack) => {
    const roles = await raftRolesOf(stack);
    return role === 'leader' ? roles.leader : (roles.followers[0] as string);
  },
  kill: async (stack, target) => signal(stack.devnet, target, 'SIGSTOP'),
  restart: async (stack, target) => signal(stack.devnet, target, 'SIGCONT'),
  hang: { first },
});

const serviceFault = (name: 'postgres' | 'redis'): Fault => ({
  name,
  target: async () => name,
  kill: killDevnetProcess,
  restart: async (stack) => {
    await stack.devnet.services();
  },
});

const FAULTS: Fault[] = [
  devnetFault('peer-not-needed', async () => PEER_NOT_NEEDED),
  devnetFault('peer-other-side', async () => PEER_OTHER_SIDE),
  devnetFault('peer-other-gd-agency', async () => PEER_OTHER_GD_AGENCY),
  devnetFault('orderer-leader', async (stack) => (await raftRolesOf(stack)).leader, 3),
  devnetFault(
    'orderer-follower',
    async (stack) => (await raftRolesOf(stack)).followers[0] as string,
    3,
  ),
  hungOrderer('orderer-leader-hung', 'leader', false),
  hungOrderer('orderer-leader-first-hung', 'leader', true),
  hungOrderer('orderer-follower-hung', 'follower', true),
  devnetFault('chaincode', async () => 'chaincode'),
  serviceFault('postgres'),
  serviceFault('redis'),
  {
    name: 'gateway',
    target: async () => 'gateway',
    kill: (stack) => stack.gateway.kill9(),
    restart: (stack) => stack.gateway.start(),
  },
];

/** How long the operations of a fault may take to end before they are counted pending. */
const OPERATIONS_END_MS = 180_000;

async function fileCount(ledger: Ledger, id: string): Promise<number> {
  try {
    const history = JSON.parse(await ledger.evaluate('Declaration:GetHistory', [id])) as {
      action: string;
    }[];
    return history.filter((h) => h.action === 'FILE').length;
  } catch (error) {
    if ((error as { code?: string }).code === 'NOT_FOUND') return 0;
    throw error;
  }
}

interface Row extends FleetFigures {
  fault: string;
  killed: string;
  sent: number;
  acknowledged: number;
  /** Filings the client had to send again (a 5xx or no answer first). */
  resent: number;
  committed_once: number;
  /** Operations still pending OPERATIONS_END_MS after the load ended (neither lost nor done). */
  pending: number;
  lost: number;
  duplicates: number;
  index_differences: number;
  baseline_p95_ms: number;
  fault_p95_ms: number;
  recovery_s: number;
  resume_s: number;
  down_s: number;
  readyz_during: string;
  gets: number;
  get_errors: number;
  new_leader?: string;
  /** The most blocks a peer was behind the orderers (their operations metrics), and which. */
  lag_blocks: number;
  lag_peer?: string;
  /** From the restart (SIGCONT) until every peer was within a block of the orderers, s. */
  caught_up_s: number;
  /** Latency of the first filing sent after the restart (SIGCONT), s. */
  first_after_s: number;
  /** Moments a peer had lagged 10 s and /readyz, asked in the 2.5 s before, did not name it. */
  lag_unreported: PeerLag[];
  /** The /readyz statuses seen during the fault, with how often. */
  readyz_seen: Record<string, number>;
}

/** What every fault runs with: the stack, ledgers by identity, the sealed trucks' declaration. */
interface Bench {
  stack: Stack;
  as(who: string): Ledger;
  run: string;
  sealsDeclarationId: string;
}

async function runFault(bench: Bench, fault: Fault): Promise<Row> {
  const { stack, run } = bench;
  const ledger = bench.as('gdcustoms/officer1');
  // Unique per fault (its trucks' device ids): the first letters of each word.
  const short = fault.name
    .split('-')
    .map((w) => w.slice(0, 3))
    .join('')
    .slice(0, 12)
    .toUpperCase();
  const prefix = `GD-${run}-${short}`;
  const downS = fault.hang ? HANG_S : PHASE.downS;
  const seconds = PHASE.steadyS + downS + (fault.hang ? HANG_RECOVERY_S : PHASE.recoveryS);
  const filings = await signFilings(stack.pki, prefix, Math.round(RATE * seconds));
  const trucks = await sealFleet(bench.as, run, short, bench.sealsDeclarationId);
  const target = await fault.target(stack);
  if (fault.hang) {
    const others = stack.devnet
      .orderers()
      .map((o) => o.name)
      .filter((n) => n !== target);
    const order = fault.hang.first ? [target, ...others] : [...others, target];
    const file = path.join(REPO_ROOT, 'load', 'results', 'gdcustoms-orderers.json');
    await stack.gateway.restartWith(connectionWithOrderers(stack.devnet, 'gdcustoms', order, file));
    log(`  gateway restarted with orderers ${order.join(', ')}`);
  }
  // The trader's own filings of this run (the warm-up's, the faults' before).
  const { rows: summaries } = await stack.pool.query<{ declaration_id: string }>(
    'SELECT declaration_id FROM declarations WHERE declaration_id LIKE $1 ORDER BY random() LIMIT 200',
    [`GD-${run}-%`],
  );
  const reads = startReadLoad({
    base: stack.base,
    token: stack.traderToken,
    paths: summaries.map((r) => `/v1/declarations/${r.declaration_id}/summary`),
    rate: PHASE.getRate,
  });
  log(
    `${fault.name}: ${filings.length} filings at ${RATE}/s, ${trucks.length} trucks' readings; ${fault.hang ? `SIGSTOP ${target} for ${HANG_S} s` : `kill -9 ${target}`} after ${PHASE.steadyS} s`,
  );
  const heightSampler = sampleHeights(stack.devnet, CHANNEL);
  const readySampler = sampleReadiness(stack.base);
  const t0 = Date.now() + 200;
  const gateway = { base: stack.base, token: stack.traderToken };
  const sending = sendFilings(gateway, filings, t0, RATE);
  const fleet = driveFleet(stack.base, trucks, t0, seconds);
  await new Promise((r) => setTimeout(r, t0 + PHASE.steadyS * 1000 - Date.now()));
  const killedAt = Date.now();
  await fault.kill(stack, target);
  // What the gateway says while it is down (the gateway itself cannot say).
  await new Promise((r) => setTimeout(r, Math.min(3000, (PHASE.downS * 1000) / 2)));
  const readyz = await fetch(`${stack.base}/readyz`, { signal: AbortSignal.timeout(5000) })
    .then(async (res) => `${res.status} ${JSON.stringify(await res.json())}`)
    .catch((error: unknown) => `no answer (${error instanceof Error ? error.message : error})`);
  await new Promise((r) => setTimeout(r, killedAt + downS * 1000 - Date.now()));
  await fault.restart(stack, target);
  const restartedAt = Date.now();
  log(`  restarted ${target} ${((restartedAt - killedAt) / 1000).toFixed(1)} s after the kill`);
  await sending;
  await fleet.done;
  const read = await reads.stop();
  const heights = await heightSampler.stop();
  const ready = await readySampler.stop();
  const newLeader = fault.name.startsWith('orderer-leader')
    ? (await raftRolesOf(stack)).leader
    : undefined;

  const acknowledged = filings.filter((f) => f.status !== undefined && f.status < 300);
  // Every operation ends (those still pending after 3 minutes are counted as such).
  const pendingNow = async () => {
    const { rows } = await stack.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM operations WHERE declaration_id LIKE $1 AND state = 'pending'`,
      [`${prefix}-%`],
    );
    return rows[0]?.n ?? 0;
  };
  await until(`the operations of ${fault.name} to end`, OPERATIONS_END_MS, async () =>
    (await pendingNow()) === 0 ? true : undefined,
  ).catch(() => undefined);
  const pending = await pendingNow();
  const { rows: ops } = await stack.pool.query<{
    declaration_id: string;
    state: string;
    ended: number;
  }>(
    `SELECT declaration_id, state, (extract(epoch FROM updated_at) * 1000)::float8 AS ended
     FROM operations WHERE declaration_id LIKE $1`,
    [`${prefix}-%`],
  );
  const opsOf = new Map<string, typeof ops>();
  for (const o of ops) opsOf.set(o.declaration_id, [...(opsOf.get(o.declaration_id) ?? []), o]);

  let committedOnce = 0;
  let lost = 0;
  let duplicates = 0;
  const samples: Sample[] = [];
  for (const f of filings) {
    const files = await fileCount(ledger, f.id);
    const rows = opsOf.get(f.id) ?? [];
    duplicates += Math.max(0, files - 1) + Math.max(0, rows.length - 1);
    const succeeded = rows.find((r) => r.state === 'succeeded');
    const notEnded = files <= 1 && rows.some((r) => r.state === 'pending'); // counted in pending
    if (files === 1 && succeeded) committedOnce++;
    else if (!notEnded) lost++; // acknowledged (after resending) and not committed once
    const latency = f.answeredMs ?? (succeeded ? succeeded.ended - f.start : undefined);
    samples.push(latency === undefined ? { start: f.start } : { start: f.start, latency });
  }
  // Index = ledger, once the index has every filing of the fault.
  await until(`the index to have the filings of ${fault.name}`, 120_000, async () => {
    const { rows } = await stack.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM declarations WHERE declaration_id LIKE $1',
      [`${prefix}-%`],
    );
    return rows[0]?.n === committedOnce ? true : undefined;
  }).catch(() => log(`  the index lacks some filings of ${fault.name} after 2 minutes`));
  const { differences } = await compareIndex(stack.pool, ledger);
  const mine = differences.filter((d) => d.declarationId.startsWith(`${prefix}-`));
  const figures = faultFigures(samples, { killedAt, restartedAt });
  const lag = lagFigures(heights, restartedAt);
  const firstAfter = filings.find((f) => f.start >= restartedAt);
  const firstAfterSample = firstAfter && samples[filings.indexOf(firstAfter)];
  const readyzSeen: Record<string, number> = {};
  for (const r of ready.filter((x) => x.at >= killedAt))
    readyzSeen[r.status] = (readyzSeen[r.status] ?? 0) + 1;
  const readings = await fleetFigures(stack.pool, ledger, fleet);
  return {
    ...readings,
    fault: fault.name,
    killed: target,
    sent: filings.length,
    acknowledged: acknowledged.length,
    resent: filings.filter((f) => f.resent > 0).length,
    committed_once: committedOnce,
    pending,
    lost,
    duplicates,
    index_differences: mine.length,
    baseline_p95_ms: Math.round(figures.baselineP95Ms),
    fault_p95_ms: Math.round(figures.faultP95Ms),
    recovery_s: figures.recoveryS,
    resume_s: Number(figures.resumeS.toFixed(2)),
    down_s: Number(((restartedAt - killedAt) / 1000).toFixed(1)),
    readyz_during: readyz.slice(0, 400),
    gets: read.latencies.length,
    get_errors: read.errors,
    ...(newLeader ? { new_leader: newLeader } : {}),
    lag_blocks: lag.maxLagBlocks,
    ...(lag.maxLagPeer ? { lag_peer: lag.maxLagPeer } : {}),
    caught_up_s: lag.caughtUpS,
    first_after_s:
      firstAfterSample?.latency === undefined ? Number.NaN : firstAfterSample.latency / 1000,
    lag_unreported: unreportedLags(heights, ready, {
      minLagS: 10,
      withinMs: 2500,
      endpointOf: (peer) => PEER_ENDPOINTS[peer] ?? peer,
    }),
    readyz_seen: readyzSeen,
  };
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function printTable(rows: Row[]): void {
  const columns: [string, (r: Row) => string, number][] = [
    ['fault', (r) => r.fault, 25],
    ['killed', (r) => r.killed, 15],
    ['acked', (r) => `${r.acknowledged}/${r.sent}`, 8],
    ['resent', (r) => String(r.resent), 7],
    ['once', (r) => String(r.committed_once), 5],
    ['pend', (r) => String(r.pending), 5],
    ['lost', (r) => String(r.lost), 5],
    ['dup', (r) => String(r.duplicates), 4],
    ['idx≠', (r) => String(r.index_differences), 5],
    ['p95 base', (r) => fmt(r.baseline_p95_ms), 9],
    ['p95 fault', (r) => fmt(r.fault_p95_ms), 10],
    ['down s', (r) => fmt(r.down_s, 1), 7],
    ['resume s', (r) => fmt(r.resume_s, 1), 9],
    ['normal s', (r) => (Number.isFinite(r.recovery_s) ? fmt(r.recovery_s, 0) : '>end'), 9],
    ['1st after s', (r) => fmt(r.first_after_s, 1), 12],
    ['lag blk', (r) => String(r.lag_blocks), 8],
    ['caught up s', (r) => (Number.isFinite(r.caught_up_s) ? fmt(r.caught_up_s, 1) : '>end'), 12],
    ['lag unnamed', (r) => String(r.lag_unreported.length), 12],
    ['GET ok/err', (r) => `${r.gets}/${r.get_errors}`, 11],
    ['rdg acked', (r) => String(r.readings_acknowledged), 10],
    ['rdg once', (r) => String(r.readings_anchored_once), 9],
    ['rdg lost', (r) => String(r.readings_lost), 9],
    ['rdg dup', (r) => String(r.readings_duplicates), 8],
  ];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(columns[i]![2]) : c.padStart(columns[i]![2]))).join(' ');
  console.log(line(columns.map((c) => c[0])));
  for (const r of rows) console.log(line(columns.map((c) => c[1](r))));
}

async function main(): Promise<void> {
  const started = Date.now();
  const only = option('--only')?.split(',');
  const faults = only ? FAULTS.filter((f) => only.includes(f.name)) : FAULTS;
  const unknown = only?.filter((n) => !FAULTS.some((f) => f.name === n)) ?? [];
  if (unknown.length > 0 || faults.length === 0)
    throw new Error(
      `unknown fault ${unknown.join(', ')}; faults: ${FAULTS.map((f) => f.name).join(', ')}`,
    );
  // Before anything starts: a devnet with the orderers the faults need, or a clear stop.
  const devnet = new Devnet({ log: () => undefined });
  const plan = devnetPlan(faults, devnet.madeWithOrderers(), args.includes('--reset-devnet'));
  if (plan.action === 'reset') {
    log(`devnet: made again with 3 orderers for ${plan.because.join(', ')} (--reset-devnet)`);
    await devnet.reset();
  }
  // The gateway anchors the fleet's readings as the seal operator.
  const stack = await startStack(log, {
    seals: true,
    ...(plan.action === 'use' ? {} : { orderers: plan.orderers }),
  });
  // The bench's own pool loses its connections with PostgreSQL: the pool makes new ones.
  stack.pool.on('error', () => undefined);
  const ledgers = new Map<string, Ledger>();
  const as = (who: string): Ledger => {
    let l = ledgers.get(who);
    if (!l) ledgers.set(who, (l = createFabricLedger(stack.connection(who))));
    return l;
  };
  const run = `F${randomUUID().slice(0, 5).toUpperCase()}`;
  const rows: Row[] = [];
  try {
    // The declaration the trucks are sealed for.
    const sealsDeclarationId = `GD-${run}-SEALS`;
    const signed = await signFiling(sampleFiling(sealsDeclarationId), stack.pki.signers.gdTrader);
    await as('gdcustoms/agent').submit('Declaration:File', signed.args, signed.transient);
    const bench: Bench = { stack, as, run, sealsDeclarationId };
    // Warm-up: connections, the chaincode, the gateway's identities; summaries to GET.
    const warm = await signFilings(stack.pki, `GD-${run}-WARM`, 10);
    for (const f of warm) {
      const res = await postFiling({ base: stack.base, token: stack.traderToken }, f, 30);
      if (res.status !== 200) throw new Error(`warm-up filing answered ${res.status}`);
    }
    await until('the warm-up filings in the index', 30_000, async () => {
      const { rows: indexed } = await stack.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM declarations WHERE declaration_id LIKE $1',
        [`GD-${run}-WARM-%`],
      );
      return indexed[0]?.n === warm.length ? true : undefined;
    });
    for (const fault of faults) {
      const row = await runFault(bench, fault);
      rows.push(row);
      log(
        `  ${row.acknowledged}/${row.sent} acknowledged, ${row.committed_once} committed once, lost ${row.lost}, duplicates ${row.duplicates}, index differences ${row.index_differences}; p95 ${row.baseline_p95_ms} ms before, ${fmt(row.fault_p95_ms)} ms during; normal ${fmt(row.recovery_s)} s after the restart${row.new_leader ? `; new leader ${row.new_leader}` : ''}`,
      );
      log(
        `  readings: ${row.readings_acknowledged} acknowledged, ${row.readings_anchored_once} anchored once, lost ${row.readings_lost}, duplicates ${row.readings_duplicates}`,
      );
      log(
        `  peers: at most ${row.lag_blocks} blocks behind the orderers${row.lag_peer ? ` (${row.lag_peer})` : ''}, all caught up ${fmt(row.caught_up_s, 1)} s after the restart; first filing sent after it committed in ${fmt(row.first_after_s, 1)} s; /readyz ${JSON.stringify(row.readyz_seen)}, lag it did not name: ${row.lag_unreported.length}`,
      );
      log(`  /readyz during: ${row.readyz_during}`);
    }
  } finally {
    for (const l of ledgers.values()) await l.close();
    await stack.stop();
  }
  console.log('');
  console.log(
    `Faults under load: Declaration:File at ${RATE}/s through the gateway, ${PHASE.steadyS} s steady, kill -9, restart after ${PHASE.downS} s, ${PHASE.recoveryS} s more (a hang: SIGSTOP, SIGCONT after ${HANG_S} s, ${HANG_RECOVERY_S} s more)`,
  );
  printTable(rows);
  const out = path.join(REPO_ROOT, 'load', 'results', 'faults.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const report = {
    rate_per_s: RATE,
    phase: PHASE,
    quick,
    at: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    faults: rows,
  };
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten to ${path.relative(process.cwd(), out)} (${report.seconds} s)`);
  const wrong = (r: Row) =>
    r.pending +
      r.lost +
      r.duplicates +
      r.index_differences +
      r.readings_lost +
      r.readings_duplicates >
    0;
  if (rows.some(wrong)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (error instanceof FaultPlanError) console.error(`faults [${error.code}]: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
