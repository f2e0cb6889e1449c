/**
 * The boundary decision under a steady stream of trucks (open model, load/src/open-loop.ts):
 * trucks arrive at Lok Ma Chau at a fixed rate; for each, the officer's tap is recorded
 * (Seal:RecordCheckpoint) and the lane asks the gateway for the decision (POST
 * /v1/crossings, answered once committed). Latency is from the truck's intended arrival
 * to the committed decision; crossings_per_s is the rate decisions came out at.
 *
 *   npm run bench:crossing -- [--quick] [--rate 20]
 * `npm run bench` calls runCrossingBench({ quick }) and adds the figures to its results;
 * run alone, it merges its figures into load/results/latest.json.
 * Target: p95 <= 500 ms at 20 trucks/s.
 */
import './quiet-logs';
import {
  listAuthority,
  createTestPki,
  sampleFiling,
  signFiling,
} from '@clearance/testkit/chaincode';
import { buildApp, migrate, type Ledger } from '@clearance/gateway';
import { createMemorySessionStore } from '@clearance/testkit/gateway';
import { REPO_ROOT } from '@clearance/devnet';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openBenchDevnet } from './bench-devnet';
import { sealTrucks, submitSoon, type Truck } from './readings-bench';
import { openLoop } from './open-loop';
import { percentile } from './stats';

export interface CrossingFigures {
  crossing_p50_ms: number;
  crossing_p95_ms: number;
  crossings_per_s: number;
  crossing_arrival_rate_per_s: number;
  crossing_samples: number;
  crossing_errors: number;
  /** Decisions that were GO (the rest INSPECT by the random selection: all trucks intact). */
  crossing_go_share: number;
}

async function anchorNow(operator: Ledger, trucks: Truck[]): Promise<void> {
  const now = Date.now();
  await Promise.all(
    trucks.map((t) =>
      submitSoon(operator, 'Seal:AnchorReadings', [
        t.sealId,
        JSON.stringify({
          batchId: `b-${t.sealId}`,
          fromCounter: 1,
          toCounter: 100,
          count: 100,
          merkleRoot: 'ab'.repeat(32),
          firstTime: new Date(now - 60_000).toISOString(),
          lastTime: new Date(now).toISOString(),
        }),
      ]),
    ),
  );
}

export async function runCrossingBench(options: {
  quick: boolean;
  rate?: number;
}): Promise<CrossingFigures> {
  const log = (line: string) => console.log(`crossing: ${line}`);
  const rate = options.rate ?? 20;
  const seconds = options.quick ? 5 : 20;
  const count = rate * seconds;

  const bench = await openBenchDevnet('crossing', 8);
  const { run, pool, as, closers } = bench;
  try {
    await migrate(pool);
    const pki = await createTestPki({ idSuffix: run });
    await listAuthority(as('gdcustoms/trust-admin'), as('hkcustoms/trust-admin'), pki.gd);
    const declarationId = `GD-${run}-XBENCH`;
    const signed = await signFiling(sampleFiling(declarationId), pki.signers.gdTrader);
    await as('gdcustoms/agent').submit('Declaration:File', signed.args, signed.transient);
    const officer = as('gdcustoms/officer1');
    await officer.submit('Declaration:Accept', [declarationId, '']);
    await officer.submit('Declaration:AssessRisk', [declarationId, 'LOW', '5', '']);
    await officer.submit('Declaration:MarkReleaseEligible', [declarationId, '']);
    log(`sealing ${count + 2} trucks on the devnet`);
    const trucks = await sealTrucks(as, run, 'X', count + 2, declarationId);
    await anchorNow(as('logistics/operator1'), trucks);

    // Lok Ma Chau is Hong Kong's control point: an HK officer taps there and asks.
    const hkOfficer = as('hkcustoms/officer1');
    const sessions = createMemorySessionStore();
    const { token } = await sessions.create({
      kind: 'officer',
      id: 'hkcustoms/officer1',
      organisation: 'hkcustoms',
      mspId: 'HKCustomsMSP',
      name: 'officer1',
      role: 'customs-officer',
    });
    const app = await buildApp({ ledger: hkOfficer, sessions, database: pool });
    closers.push(() => app.close());
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const decisions: string[] = [];
    /** One truck at the lane: the tap, then the decision (the officer's own peer has the tap). */
    const cross = async (t: Truck): Promise<void> => {
      await hkOfficer.submit('Seal:RecordCheckpoint', [
        t.sealId,
        JSON.stringify({ controlPoint: 'LMC', tagUid: t.tagUid, counter: 1 }),
      ]);
      const res = await fetch(`${base}/v1/crossings`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': `bench-${t.sealId}`,
        },
        body: JSON.stringify({ sealId: t.sealId, controlPoint: 'LMC', direction: 'NORTHBOUND' }),
      });
      const body = (await res.json()) as {
        crossing?: { decision: string; reasons: string[] };
        error?: { code: string };
      };
      if (res.status !== 201 || !body.crossing)
        throw new Error(`POST /v1/crossings answered ${res.status} ${body.error?.code ?? ''}`);
      const stray = body.crossing.reasons.filter((r) => r !== 'RANDOM_SELECTION');
      if (stray.length > 0) throw new Error(`an intact truck got ${stray.join(', ')}`);
      decisions.push(body.crossing.decision);
    };
    // Warm-up: connections, the chaincode, the route.
    for (const t of trucks.slice(count)) await cross(t);
    decisions.length = 0;
    log(`${count} trucks at ${rate}/s for ${seconds} s`);
    const r = await openLoop({ rate, seconds, task: (i) => cross(trucks[i] as Truck) });
    const figures: CrossingFigures = {
      crossing_p50_ms: Math.round(percentile(r.latencies, 50)),
      crossing_p95_ms: Math.round(percentile(r.latencies, 95)),
      crossings_per_s: Number(r.perSecond.toFixed(2)),
      crossing_arrival_rate_per_s: rate,
      crossing_samples: r.latencies.length,
      crossing_errors: r.errors,
      crossing_go_share: Number(
        (decisions.filter((d) => d === 'GO').length / Math.max(1, decisions.length)).toFixed(3),
      ),
    };
    if (r.firstError) log(`first error: ${r.firstError}`);
    return figures;
  } finally {
    await bench.close();
  }
}

if (require.main === module) {
  const rateArg = process.argv.indexOf('--rate');
  runCrossingBench({
    quick: process.argv.includes('--quick'),
    ...(rateArg > 0 ? { rate: Number(process.argv[rateArg + 1]) } : {}),
  })
    .then((figures) => {
      for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(28)}${v}`);
      const out = path.join(REPO_ROOT, 'load', 'results', 'latest.json');
      const before: unknown = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : {};
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(
        out,
        `${JSON.stringify({ ...(before as object), ...figures, crossing_at: new Date().toISOString() }, null, 2)}\n`,
      );
      console.log(`merged into ${path.relative(process.cwd(), out)}`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
