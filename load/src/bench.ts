/**
 * The gateway against the Fabric client it uses (@clearance/fabric-client) used directly, side by
 * side in one run (open model: filings arrive at a fixed rate, latency counted from the
 * intended send time).
 *
 *   npm run bench [-- --quick] [-- --rate N] [-- --hosts]
 *
 * With `--hosts`: the same filing figures across hosts, border latency on, against GD
 * customs' own gateway and measured on its host (load/src/bench-hosts.ts); the readings and
 * crossing benches run on one host only.
 *
 * 1. Finds the rate the direct client sustains: Declaration:File (submitAsync, then the
 *    commit status), each filing unique and signed by the trader, in steps of rising rate.
 * 2. At the issue's rate (40/s), then at the rate found, alternates direct and gateway
 *    phases (POST /v1/declarations with `Prefer: wait=30`, answered once committed) so
 *    both share the machine's noise; the CPU table and the stages are the second's. GETs
 *    of indexed summaries run at a fixed rate throughout (on a thread of their own), for
 *    read latency under load, and GETs of /healthz beside them as a control (what the
 *    machine's load alone costs).
 * 3. Index lag: from the moment the gateway recorded a commit (operation succeeded) to the
 *    event being in the index (both clocks are PostgreSQL's).
 * 4. The readings bench (load/src/readings-bench.ts).
 * 5. The boundary decision at 20 trucks/s (load/src/crossing-bench.ts).
 *
 * Each direct and gateway phase also counts the CPU time of every process kind (peers,
 * orderers, chaincode servers, PostgreSQL, Redis, the gateway, this load client; from /proc,
 * load/src/proc-cpu.ts) per filing committed, and the gateway phases read where a filing's
 * time went inside the gateway (its stage histogram on /metrics, load/src/stage-metrics.ts).
 *
 * Prints a table and writes load/results/latest.json.
 */
import './quiet-logs';
import { canonicalBytes } from '@clearance/core';
import { sampleFiling } from '@clearance/testkit/chaincode';
import { JURISDICTION_NAMESPACES } from '@clearance/domain';
import { connectGateway } from '@clearance/gateway';
import { REPO_ROOT } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openLoop, type OpenLoopResult } from './open-loop';
import { startReadLoad } from './read-load';
import { runCrossingBench } from './crossing-bench';
import { runReadingsBench, type ReadingsFigures } from './readings-bench';
import { benchAcrossHosts, hostsTarget, type BenchTarget } from './bench-hosts';
import { startStack } from './stack';
import { percentile } from './stats';
import { fromAddresses } from './from-addresses';
import {
  cpuMeter,
  cpuTable,
  devnetProcesses,
  floorOf,
  meanPhases,
  sideOf,
  type CpuPhase,
} from './proc-cpu';
import { parseStages, stageDelta, stageTable, type StageSnapshot } from './stage-metrics';

const quick = process.argv.includes('--quick');
/** Run by bench-hosts.ts on GD customs' host. */
const onHost = process.argv.includes('--on-host');
const rateArg = process.argv.indexOf('--rate');
const fixedRate = rateArg > 0 ? Number(process.argv[rateArg + 1]) : undefined;
const PLAN = quick
  ? {
      steps: [10, 15, 20, 30, 45, 60],
      stepSeconds: 4,
      rounds: 2,
      targetRounds: 1,
      phaseSeconds: 10,
      getRate: 20,
    }
  : {
      steps: [10, 15, 20, 25, 30, 40, 50, 60, 80, 100],
      stepSeconds: 8,
      rounds: 3,
      targetRounds: 2,
      phaseSeconds: 30,
      getRate: 50,
    };

const log = (line: string) => console.log(line);
/** The rate the issue's targets name: 40 filings/s through the gateway. */
const TARGET_RATE = 40;

interface SignedFiling {
  id: string;
  declaration: string;
  signature: string;
  commercial: string;
  /** The HTTP body: { declaration, commercial, signature }. */
  body: string;
}

type Contract = ReturnType<
  ReturnType<ReturnType<typeof connectGateway>['gateway']['getNetwork']>['getContract']
>;

/** Filings signed ahead of a phase, so signing does not load the machine while measuring. */
async function signFilings(stack: BenchTarget, prefix: string, n: number): Promise<SignedFiling[]> {
  const filings: SignedFiling[] = [];
  for (let i = 0; i < n; i++) {
    const filing = sampleFiling(`${prefix}-${i}`);
    const cms = await stack.pki.signers.gdTrader.sign(canonicalBytes(filing));
    const signature = Buffer.from(cms).toString('base64');
    filings.push({
      id: filing.declaration.declarationId,
      declaration: JSON.stringify(filing.declaration),
      signature,
      commercial: JSON.stringify(filing.commercial),
      body: JSON.stringify({ ...filing, signature }),
    });
  }
  return filings;
}

async function fileDirect(contract: Contract, f: SignedFiling): Promise<void> {
  const submitted = await contract.submitAsync('Declaration:File', {
    arguments: [f.declaration, f.signature],
    transientData: { commercial: f.commercial },
  });
  const status = await submitted.getStatus();
  if (!status.successful) throw new Error(`validation code ${status.code}`);
}

/** Traders' addresses the gateway's filings come from (in turn). */
const traders = fromAddresses(onHost ? 0 : 16);

async function fileThroughGateway(stack: BenchTarget, f: SignedFiling): Promise<void> {
  const { status, text } = await traders.post(
    `${stack.base}/v1/declarations`,
    {
      'content-type': 'application/json',
      authorization: `Bearer ${stack.traderToken}`,
      'idempotency-key': randomUUID(),
      prefer: 'wait=30',
    },
    f.body,
  );
  if (status !== 200) throw new Error(`${status} ${text.slice(0, 200)}`);
  const { operation } = JSON.parse(text) as { operation: { state: string; error?: unknown } };
  if (operation.state !== 'succeeded')
    throw new Error(`operation ${operation.state}: ${JSON.stringify(operation.error)}`);
}

/**
 * GETs of `paths` at a fixed rate on their own thread: indexed summaries, or the control
 * /healthz, which reads nothing and checks no session, so what it shows under load is the
 * machine's scheduling, not the index.
 */
function readLoad(stack: BenchTarget, paths: string[], rate: number) {
  return startReadLoad({ base: stack.base, token: stack.traderToken, paths, rate });
}

/** Summaries of declarations of this run already in the index (the trader's own). */
async function indexedSummaries(stack: BenchTarget, run: string, limit: number): Promise<string[]> {
  const { rows } = await stack.pool.query<{ declaration_id: string }>(
    'SELECT declaration_id FROM declarations WHERE declaration_id LIKE $1 ORDER BY random() LIMIT $2',
    [`${run}-%`, limit],
  );
  return rows.map((r) => `/v1/declarations/${r.declaration_id}/summary`);
}

/**
 * The gateway's own view of a route's latency: the upper bound of the histogram bucket
 * holding the given quantile (ms), from /metrics.
 */
async function serverQuantileMs(stack: BenchTarget, route: string, q: number): Promise<number> {
  const text = await (
    await fetch(`${stack.base}/metrics`, { headers: stack.metricsHeaders })
  ).text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('gateway_http_request_duration_seconds_bucket{')) continue;
    if (!line.includes(`route="${route}"`) || !line.includes('status="200"')) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1] as string;
    const bound = le === '+Inf' ? Infinity : Number(le) * 1000;
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  return sorted.find(([, count]) => count >= q * total)?.[0] ?? Number.NaN;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function stageSnapshot(stack: BenchTarget): Promise<StageSnapshot> {
  const res = await fetch(`${stack.base}/metrics`, { headers: stack.metricsHeaders });
  return parseStages(await res.text());
}

async function main(): Promise<void> {
  const started = Date.now();
  // On one host, the stack's processes are counted (CPU per filing); across hosts they run elsewhere.
  const local = onHost ? undefined : await startStack(log);
  const stack: BenchTarget = local ?? (await hostsTarget(log));
  process.once('SIGINT', () => void stack.stop().finally(() => process.exit(130)));
  const agent = stack.connection('gdcustoms/agent');
  const direct = connectGateway(agent);
  // GD filings go to GD's own definition (the chaincode's domain/namespaces.ts).
  const contract = direct.gateway.getNetwork(agent.channel).getContract(JURISDICTION_NAMESPACES.GD);
  const run = `GD-B${randomUUID().slice(0, 6).toUpperCase()}`;
  let batch = 0;
  const filings = (n: number) => signFilings(stack, `${run}-${batch++}`, n);
  try {
    // Warm up connections, the chaincode and the gateway's ledger identities.
    for (const f of await filings(4)) await fileDirect(contract, f);
    for (const f of await filings(4)) await fileThroughGateway(stack, f);

    // GET latency with nothing else running: what the index costs, without the machine's
    // cores taken by the peers endorsing (on this 2-core machine they share everything).
    await new Promise((r) => setTimeout(r, 1500)); // the warm-up filings reach the index
    const atRest = readLoad(stack, await indexedSummaries(stack, run, 1000), PLAN.getRate);
    await new Promise((r) => setTimeout(r, (PLAN.phaseSeconds / 2) * 1000));
    const rest = await atRest.stop();
    log(
      `GET summaries at rest (${PLAN.getRate}/s, no filings): p50 ${fmt(percentile(rest.latencies, 50), 1)} p99 ${fmt(percentile(rest.latencies, 99), 1)} ms, errors ${rest.errors}`,
    );

    let rate = fixedRate;
    if (!rate) {
      log(`finding the direct client's sustained rate (${PLAN.stepSeconds} s steps)`);
      rate = PLAN.steps[0] as number;
      for (const step of PLAN.steps) {
        const signed = await filings(step * PLAN.stepSeconds);
        const r = await openLoop({
          rate: step,
          seconds: PLAN.stepSeconds,
          task: (i) => fileDirect(contract, signed[i] as SignedFiling),
        });
        const p95 = percentile(r.latencies, 95);
        // Latencies in the order filings completed: a queue that grows during the step shows
        // as the last quarter waiting longer than the first.
        const quarter = Math.max(1, Math.floor(r.latencies.length / 4));
        const first = percentile(r.latencies.slice(0, quarter), 50);
        const last = percentile(r.latencies.slice(-quarter), 50);
        const growing = last > 1.5 * first + 100;
        // Sustained: keeps up with arrivals with latency bounded (p95 under 1 s, four
        // block-cutting intervals) and not growing; past that, queues grow and the two sides
        // would be compared in overload, where the 2-core machine's CPU is what they compete for.
        const kept = r.errors === 0 && r.perSecond >= 0.9 * step && p95 < 1000 && !growing;
        log(
          `  ${step}/s: committed ${fmt(r.perSecond, 1)}/s, p95 ${fmt(p95)} ms, p50 first/last quarter ${fmt(first)}/${fmt(last)} ms, errors ${r.errors}${kept ? '' : '  (not sustained)'}`,
        );
        if (!kept) break;
        rate = step;
      }
    }

    /**
     * Direct and gateway phases in turn at `rate`, GET summaries and /healthz at the GET rate
     * beside them; CPU by process kind and the gateway's stages for its phases.
     */
    const compareAt = async (at: number, rounds: number) => {
      log(
        `measuring at ${at}/s: ${rounds} rounds of ${PLAN.phaseSeconds} s direct, then ${PLAN.phaseSeconds} s gateway; GET summaries at ${PLAN.getRate}/s throughout`,
      );
      const results: { direct: OpenLoopResult[]; gateway: OpenLoopResult[] } = {
        direct: [],
        gateway: [],
      };
      const gets: number[] = [];
      const healthz: number[] = [];
      const cpu: { direct: CpuPhase[]; gateway: CpuPhase[] } = { direct: [], gateway: [] };
      const stagesBefore = await stageSnapshot(stack);
      let stagesAfter = stagesBefore;
      let getErrors = 0;
      for (let round = 0; round < rounds; round++) {
        for (const side of ['direct', 'gateway'] as const) {
          const signed = await filings(at * PLAN.phaseSeconds);
          const reads = readLoad(stack, await indexedSummaries(stack, run, 1000), PLAN.getRate);
          const control = readLoad(stack, ['/healthz'], PLAN.getRate);
          const stagesAtStart = side === 'gateway' ? await stageSnapshot(stack) : undefined;
          const meter = local ? cpuMeter(processes) : undefined;
          const r = await openLoop({
            rate: at,
            seconds: PLAN.phaseSeconds,
            task: (i) =>
              side === 'direct'
                ? fileDirect(contract, signed[i] as SignedFiling)
                : fileThroughGateway(stack, signed[i] as SignedFiling),
          });
          const phaseCpu = meter?.end(r.latencies.length);
          const read = await reads.stop();
          const controlled = await control.stop();
          if (phaseCpu) cpu[side].push(phaseCpu);
          if (stagesAtStart) stagesAfter = await stageSnapshot(stack);
          gets.push(...read.latencies);
          healthz.push(...controlled.latencies);
          getErrors += read.errors;
          results[side].push(r);
          log(
            `  round ${round + 1} ${side.padEnd(7)}: committed ${fmt(r.perSecond, 1)}/s, p50 ${fmt(percentile(r.latencies, 50))} ms, p95 ${fmt(percentile(r.latencies, 95))} ms, errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}; GET p50 ${fmt(percentile(read.latencies, 50), 1)} p99 ${fmt(percentile(read.latencies, 99), 1)} ms, errors ${read.errors}${read.firstError ? ` (${read.firstError})` : ''}; /healthz p99 ${fmt(percentile(controlled.latencies, 99), 1)} ms`,
          );
        }
      }
      return { results, gets, healthz, cpu, stagesBefore, stagesAfter, getErrors };
    };
    // The processes counted: the devnet's (its pid files), the gateway, this client. Not
    // across hosts (those run elsewhere).
    const processes = () =>
      local
        ? [
            ...devnetProcesses(local.devnet.paths.pids),
            { kind: 'gateway', pids: [local.gateway.pid() ?? -1] },
            { kind: 'load client', pids: [process.pid] },
          ]
        : [];
    // The issue's own rate first (the targets name it), then the highest the direct client
    // sustains on this machine, where the two compete for its cores.
    const atTarget =
      rate > TARGET_RATE ? await compareAt(TARGET_RATE, PLAN.targetRounds) : undefined;
    const { results, gets, healthz, cpu, stagesBefore, stagesAfter, getErrors } = await compareAt(
      rate,
      PLAN.rounds,
    );

    const lag = await stack.pool.query<{ lag: number }>(
      `SELECT greatest(0, extract(epoch FROM e.indexed_at - o.updated_at))::float8 AS lag
       FROM operations o JOIN ledger_events e ON e.tx_id = o.transaction_id
       WHERE o.state = 'succeeded'`,
    );
    const lags = lag.rows.map((r) => r.lag);
    const serverGetP99 = await serverQuantileMs(
      stack,
      '/v1/declarations/:declarationId/summary',
      0.99,
    );
    // The readings and crossing benches make devnets of their own, on one host.
    const readings: Partial<ReadingsFigures> = onHost ? {} : await runReadingsBench({ quick });
    const crossings = onHost ? undefined : await runCrossingBench({ quick });

    const side = (rs: OpenLoopResult[]) => {
      const latencies = rs.flatMap((r) => r.latencies);
      return {
        tps: rs.reduce((a, r) => a + r.perSecond, 0) / rs.length,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        ok: latencies.length,
        errors: rs.reduce((a, r) => a + r.errors, 0),
      };
    };
    const d = side(results.direct);
    const g = side(results.gateway);
    const target = atTarget && {
      direct: side(atTarget.results.direct),
      gateway: side(atTarget.results.gateway),
    };
    const cpuSides = onHost
      ? undefined
      : { direct: meanPhases(cpu.direct), gateway: meanPhases(cpu.gateway) };
    const round2 = (o: Record<string, number>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v.toFixed(3))]));
    const gatewayCpu =
      cpuSides && floorOf(cpuSides.gateway.perFiling, (k) => sideOf(k) === 'gateway');
    const fabricCpu =
      cpuSides && floorOf(cpuSides.gateway.perFiling, (k) => sideOf(k) === 'fabric');
    const stages = stageDelta(stagesBefore, stagesAfter);
    const figures = {
      gateway_tps: Number(g.tps.toFixed(2)),
      direct_tps: Number(d.tps.toFixed(2)),
      gateway_vs_direct_ratio: Number((g.tps / d.tps).toFixed(3)),
      gateway_p50_ms: Math.round(g.p50),
      gateway_p95_ms: Math.round(g.p95),
      direct_p50_ms: Math.round(d.p50),
      direct_p95_ms: Math.round(d.p95),
      gateway_errors: g.errors,
      direct_errors: d.errors,
      index_lag_p50_s: Number(percentile(lags, 50).toFixed(3)),
      index_lag_p95_s: Number(percentile(lags, 95).toFixed(3)),
      index_lag_samples: lags.length,
      get_p50_ms: Number(percentile(gets, 50).toFixed(2)),
      get_p99_ms: Number(percentile(gets, 99).toFixed(2)),
      get_server_p99_le_ms: serverGetP99,
      healthz_p50_ms: Number(percentile(healthz, 50).toFixed(2)),
      healthz_p99_ms: Number(percentile(healthz, 99).toFixed(2)),
      get_vs_healthz_p99_ratio: Number((percentile(gets, 99) / percentile(healthz, 99)).toFixed(2)),
      get_at_rest_p50_ms: Number(percentile(rest.latencies, 50).toFixed(2)),
      get_at_rest_p99_ms: Number(percentile(rest.latencies, 99).toFixed(2)),
      get_samples: gets.length,
      get_errors: getErrors,
      ...(cpuSides && gatewayCpu && fabricCpu
        ? {
            cpu_ms_per_filing: {
              direct: round2(cpuSides.direct.perFiling),
              gateway: round2(cpuSides.gateway.perFiling),
            },
            cpu_cores_busy: {
              direct: round2(cpuSides.direct.cores),
              gateway: round2(cpuSides.gateway.cores),
            },
            cpu_fabric_ms_per_filing: Number(fabricCpu.ms.toFixed(2)),
            cpu_gateway_pg_redis_ms_per_filing: Number(gatewayCpu.ms.toFixed(2)),
            cpu_gateway_vs_fabric_ratio: Number((gatewayCpu.ms / fabricCpu.ms).toFixed(3)),
            cpu_floor_filings_per_s: Number(
              floorOf(
                cpuSides.gateway.perFiling,
                (k) => sideOf(k) !== 'client',
              ).filingsPerSecond.toFixed(1),
            ),
          }
        : {}),
      gateway_stages: stages,
      ...(target
        ? {
            at_target_rate: {
              arrival_rate_per_s: TARGET_RATE,
              rounds: PLAN.targetRounds,
              direct_tps: Number(target.direct.tps.toFixed(2)),
              gateway_tps: Number(target.gateway.tps.toFixed(2)),
              direct_p50_ms: Math.round(target.direct.p50),
              direct_p95_ms: Math.round(target.direct.p95),
              gateway_p50_ms: Math.round(target.gateway.p50),
              gateway_p95_ms: Math.round(target.gateway.p95),
              gateway_errors: target.gateway.errors,
              direct_errors: target.direct.errors,
              gateway_vs_direct_p95: Number((target.gateway.p95 / target.direct.p95).toFixed(2)),
            },
          }
        : {}),
      ...readings,
      ...crossings,
      across_hosts: onHost,
      arrival_rate_per_s: rate,
      rounds: PLAN.rounds,
      phase_seconds: PLAN.phaseSeconds,
      quick,
      at: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
    const row = (label: string, a: string, b: string) =>
      `${label.padEnd(24)}${a.padStart(14)}${b.padStart(14)}`;
    console.log('');
    /** The direct and gateway columns of one rate. */
    const sideBySide = (dd: ReturnType<typeof side>, gg: ReturnType<typeof side>) => {
      console.log(row('', 'direct', 'gateway'));
      console.log(row('committed / s', fmt(dd.tps, 1), fmt(gg.tps, 1)));
      console.log(row('latency p50 (ms)', fmt(dd.p50), fmt(gg.p50)));
      console.log(row('latency p95 (ms)', fmt(dd.p95), fmt(gg.p95)));
      console.log(row('committed / errors', `${dd.ok} / ${dd.errors}`, `${gg.ok} / ${gg.errors}`));
    };
    if (target) {
      const { direct: td, gateway: tg } = target;
      console.log(
        `Declaration:File at ${TARGET_RATE}/s arrivals (the issue's rate), ${PLAN.targetRounds} x ${PLAN.phaseSeconds} s each side`,
      );
      sideBySide(td, tg);
      console.log(
        `gateway at ${TARGET_RATE}/s        p95 ${fmt(tg.p95)} ms, ${fmt(tg.tps, 1)}/s   (target >= 40/s with p95 <= 1 s: ${verdict(tg.tps >= 0.9 * TARGET_RATE && tg.p95 <= 1000 && tg.errors === 0)})`,
      );
      console.log(
        `gateway / direct p95    ${fmt(tg.p95 / td.p95, 2)}   (target <= 1.25: ${verdict(tg.p95 / td.p95 <= 1.25)})`,
      );
      console.log('');
    }
    console.log(
      `Declaration:File at ${rate}/s arrivals (${fixedRate ? 'the rate given' : 'the rate found'}), ${PLAN.rounds} x ${PLAN.phaseSeconds} s each side`,
    );
    sideBySide(d, g);
    console.log(
      `gateway / direct rate   ${fmt(figures.gateway_vs_direct_ratio, 3)}   (target >= 0.90: ${verdict(figures.gateway_vs_direct_ratio >= 0.9)})`,
    );
    console.log(
      `gateway at ${rate}/s       p95 ${fmt(g.p95)} ms, ${fmt(g.tps, 1)}/s   (target >= 40/s with p95 <= 1 s: ${verdict(rate >= 40 && g.tps >= 0.9 * rate && g.p95 <= 1000 && g.errors === 0)})`,
    );
    console.log(
      `gateway / direct p95    ${fmt(g.p95 / d.p95, 2)}   (target <= 1.25: ${verdict(g.p95 / d.p95 <= 1.25)})`,
    );
    console.log(
      `index lag p50 / p95     ${fmt(figures.index_lag_p50_s, 3)} / ${fmt(figures.index_lag_p95_s, 3)} s   (target p95 <= 0.1 s: ${verdict(figures.index_lag_p95_s <= 0.1)}; n=${lags.length})`,
    );
    console.log(
      `GET summary p50 / p99   ${fmt(figures.get_p50_ms, 1)} / ${fmt(figures.get_p99_ms, 1)} ms   (target p99 <= 1.2x /healthz: ${verdict(figures.get_vs_healthz_p99_ratio <= 1.2)}; n=${gets.length}, errors ${getErrors})`,
    );
    console.log(
      `  control: /healthz    ${fmt(figures.healthz_p50_ms, 1)} / ${fmt(figures.healthz_p99_ms, 1)} ms   (same rate, same time; GET summary / healthz p99: ${fmt(figures.get_vs_healthz_p99_ratio, 2)})`,
    );
    console.log(
      `  (the gateway's own histogram: GET summary p99 <= ${fmt(serverGetP99, 1)} ms, bucket bound)`,
    );
    console.log(
      `  at rest (no filings)  ${fmt(figures.get_at_rest_p50_ms, 1)} / ${fmt(figures.get_at_rest_p99_ms, 1)} ms   (target p99 <= 5 ms: ${verdict(figures.get_at_rest_p99_ms <= 5)}; under load / at rest p99: ${fmt(figures.get_p99_ms / figures.get_at_rest_p99_ms, 1)}x)`,
    );
    if (cpuSides) {
      console.log('');
      for (const line of cpuTable(cpuSides)) console.log(line);
      console.log(
        `gateway+PG+Redis / Fabric CPU per filing (gateway phases) ${fmt(figures.cpu_gateway_vs_fabric_ratio ?? NaN, 3)}   (target <= 0.25: ${verdict((figures.cpu_gateway_vs_fabric_ratio ?? Infinity) <= 0.25)})`,
      );
    }
    console.log('');
    for (const line of stageTable(stages)) console.log(line);
    console.log('');
    if (
      readings.readings_accepted_per_s !== undefined &&
      readings.readings_accept_p95_ms !== undefined
    )
      console.log(
        `readings accepted       ${readings.readings_accepted_per_s}/s, 500-reading batch p95 ${readings.readings_accept_p95_ms} ms   (target >= 15,000/s: ${verdict(readings.readings_accepted_per_s >= 15_000)}; p95 <= 250 ms: ${verdict(readings.readings_accept_p95_ms <= 250)})`,
      );
    for (const [k, v] of Object.entries(readings))
      console.log(`${k.padEnd(26)}${typeof v === 'object' ? JSON.stringify(v) : v}`);
    if (crossings)
      console.log(
        `crossing p50 / p95      ${crossings.crossing_p50_ms} / ${crossings.crossing_p95_ms} ms at ${crossings.crossing_arrival_rate_per_s} trucks/s, ${crossings.crossings_per_s} decisions/s   (target p95 <= 500 ms at 20/s: ${verdict(crossings.crossing_p95_ms <= 500 && crossings.crossing_arrival_rate_per_s >= 20)})`,
      );
    const out = path.join(
      REPO_ROOT,
      'load',
      'results',
      onHost ? 'latest-hosts.json' : 'latest.json',
    );
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`\nwritten to ${path.relative(process.cwd(), out)} (${figures.seconds} s)`);
  } finally {
    direct.gateway.close();
    direct.client.close();
    traders.close();
    await stack.stop();
  }
}

(process.argv.includes('--hosts') && !onHost
  ? benchAcrossHosts(process.argv.slice(2)).then((code) => process.exit(code))
  : main()
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
