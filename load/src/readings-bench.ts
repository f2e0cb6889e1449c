/**
 * Seal readings, measured side by side in one run on the devnet, PostgreSQL and Redis:
 *  - accepted per second through the HTTP route (device signatures, counters, COPY) with
 *    the p95 of the 202, clients posting batches of 500 in parallel;
 *  - anchored per second and anchor transactions per second: the BullMQ anchoring queue
 *    and its worker, from the first post until every reading is anchored;
 *  - one transaction per reading on the same devnet (AnchorReadings of a single reading,
 *    sealed trucks in parallel), for the ratio.
 *
 *   npm run bench:readings -- [--quick]
 * `npm run bench` calls runReadingsBench({ quick }) and adds the figures to its results.
 */
import './quiet-logs';
import {
  listAuthority,
  createTestPki,
  sampleFiling,
  signFiling,
} from '@clearance/testkit/chaincode';
import {
  buildApp,
  migrate,
  startSealPipeline,
  startSignatureWorkers,
  type Ledger,
} from '@clearance/gateway';
import { signReading, type Reading } from '@clearance/domain/node';
import { ROUTES, simulateTrip } from '@clearance/seal-devices/fleet';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { openBenchDevnet } from './bench-devnet';
import { percentile } from './stats';
import { cpuMeter, devnetProcesses } from './proc-cpu';

export interface ReadingsFigures {
  readings_accepted_per_s: number;
  readings_accept_p95_ms: number;
  readings_anchored_per_s: number;
  anchor_tx_per_s: number;
  per_reading_tx_per_s: number;
  readings_vs_per_tx_ratio: number;
  /**
   * CPU µs per reading accepted, by process kind, while readings were posted (anchoring
   * runs meanwhile); the gateway runs in the bench's own process here.
   */
  readings_cpu_us_per_reading: Record<string, number>;
}

const BATCH = 500;

export interface Truck {
  deviceId: string;
  sealId: string;
  key: KeyObject;
  publicKeyPem: string;
  /** The UID of the truck's NFC tag, as registered (hex). */
  tagUid: string;
}

/**
 * Submits, trying again for a few seconds while the endorsing peers have not all committed
 * the transaction before (a submit waits for its own gateway peer's commit only).
 */
export async function submitSoon(
  ledger: Ledger,
  transaction: string,
  args: string[],
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ledger.submit(transaction, args);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 20 || (code !== 'INVALID_STATE' && code !== 'NOT_FOUND')) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Registers, accredits and seals trucks, each step for all of them at once. */
export async function sealTrucks(
  as: (who: string) => Ledger,
  run: string,
  prefix: string,
  count: number,
  declarationId: string,
): Promise<Truck[]> {
  const trucks = Array.from({ length: count }, (_, i) => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return {
      deviceId: `EL-${run}-${prefix}${i}`,
      sealId: `SEAL-${run}-${prefix}${i}`,
      key: keys.privateKey,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      tagUid: `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    };
  });
  const operator = as('logistics/operator1');
  await Promise.all(
    trucks.map((t) =>
      operator.submit('Seal:RegisterDevice', [
        JSON.stringify({
          deviceId: t.deviceId,
          model: 'BENCH',
          publicKeyPem: t.publicKeyPem,
          tagUid: t.tagUid,
        }),
      ]),
    ),
  );
  for (const officer of ['gdcustoms/officer1', 'hkcustoms/officer1'])
    await Promise.all(
      trucks.map((t) => submitSoon(as(officer), 'Seal:AccreditDevice', [t.deviceId])),
    );
  await Promise.all(
    trucks.map((t) =>
      submitSoon(operator, 'Seal:ApplySeal', [
        JSON.stringify({
          sealId: t.sealId,
          deviceId: t.deviceId,
          conveyance: 'BENCH',
          routeId: 'KWC-FUTIAN',
          declarationIds: [declarationId],
        }),
      ]),
    ),
  );
  return trucks;
}

/** `count` signed readings of one truck, counters 1..count, as driven along its route. */
export function readingsOf(truck: Truck, count: number): ReturnType<typeof signReading>[] {
  const shape: Omit<Reading, 'counter'>[] = [];
  while (shape.length < count) {
    for (const { reading } of simulateTrip({
      deviceId: truck.deviceId,
      privateKey: truck.key,
      route: ROUTES[1]!,
      departure: new Date(),
      intervalS: 1,
    }))
      shape.push(reading);
  }
  return shape
    .slice(0, count)
    .map((r, i) => signReading({ ...r, counter: i + 1 } as Reading, truck.key));
}

export async function runReadingsBench(options: { quick: boolean }): Promise<ReadingsFigures> {
  const log = (line: string) => console.log(`readings: ${line}`);
  const clients = 8;
  const trucksA = clients * 2;
  const perTruck = options.quick ? 1500 : 5000; // 24,000 or 80,000 readings
  const perTxTrucks = 8;
  const perTxSeconds = options.quick ? 10 : 20;

  const bench = await openBenchDevnet('readings', 16);
  const { run, pool, redisUrl, as, closers } = bench;
  try {
    await migrate(pool);
    const pki = await createTestPki({ idSuffix: run });
    await listAuthority(as('gdcustoms/trust-admin'), as('hkcustoms/trust-admin'), pki.gd);
    const declarationId = `GD-${run}-RBENCH`;
    const signed = await signFiling(sampleFiling(declarationId), pki.signers.gdTrader);
    await as('gdcustoms/agent').submit('Declaration:File', signed.args, signed.transient);
    log(`sealing ${trucksA + perTxTrucks} trucks on the devnet`);
    const [batched, single] = await Promise.all([
      sealTrucks(as, run, 'A', trucksA, declarationId),
      sealTrucks(as, run, 'B', perTxTrucks, declarationId),
    ]);

    // The gateway's route and pipeline in this process, on a queue prefix of its own.
    const operator = as('logistics/operator1');
    const pipeline = startSealPipeline({
      pool,
      redisUrl,
      prefix: `bench-${run.toLowerCase()}`,
      ledger: operator,
      concurrency: 32,
      monitorEveryMs: 3_600_000,
    });
    closers.push(() => pipeline.close());
    // Device signatures on worker threads, as the server checks them.
    const signatures = startSignatureWorkers();
    closers.push(() => signatures.close());
    const app = await buildApp({
      ledger: operator,
      database: pool,
      readingsSink: pipeline,
      checkReadingSignatures: signatures.checkReadings,
    });
    closers.push(() => app.close());
    const base = await app.listen({ host: '127.0.0.1', port: 0 });

    log(`signing ${trucksA * perTruck} readings`);
    const bodies = batched.map((t) => {
      const all = readingsOf(t, perTruck);
      const out: string[] = [];
      for (let i = 0; i < all.length; i += BATCH)
        out.push(JSON.stringify({ readings: all.slice(i, i + BATCH) }));
      return out;
    });
    const total = trucksA * perTruck;

    log(`posting ${total} readings in batches of ${BATCH}, ${clients} clients`);
    const latencies: number[] = [];
    const meter = cpuMeter(() => [
      ...devnetProcesses(bench.pidsDir),
      { kind: 'bench (gateway + clients)', pids: [process.pid] },
    ]);
    const t0 = performance.now();
    let accepted = 0;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        // A client owns its trucks: one truck's batches go in counter order.
        for (let t = c; t < trucksA; t += clients) {
          for (const body of bodies[t]!) {
            const s = performance.now();
            const res = await fetch(`${base}/v1/seals/readings`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            });
            const answer = (await res.json()) as { accepted?: number };
            latencies.push(performance.now() - s);
            if (res.status !== 202) throw new Error(`readings answered ${res.status}`);
            accepted += answer.accepted ?? 0;
          }
        }
      }),
    );
    const acceptS = (performance.now() - t0) / 1000;
    const acceptCpu = meter.end(total);
    if (accepted !== total) throw new Error(`${total - accepted} readings were refused`);
    log('waiting for every reading to be anchored');
    for (;;) {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM readings WHERE batch_id IS NULL',
      );
      if (rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const anchorS = (performance.now() - t0) / 1000;
    const { rows: batches } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM anchor_batches',
    );
    await pipeline.close();

    log(`one transaction per reading, ${perTxTrucks} trucks in parallel, ${perTxSeconds} s`);
    let committed = 0;
    let failed = 0;
    const t2 = performance.now();
    const stopAt = t2 + perTxSeconds * 1000;
    await Promise.all(
      single.map(async (t) => {
        for (let counter = 1; performance.now() < stopAt;) {
          const time = new Date().toISOString();
          // A failed transaction (endorsement refused under load) is counted, not fatal;
          // the same counter is tried again.
          const ok = await operator
            .submit('Seal:AnchorReadings', [
              t.sealId,
              JSON.stringify({
                batchId: `one-${counter}`,
                fromCounter: counter,
                toCounter: counter,
                count: 1,
                merkleRoot: 'ab'.repeat(32),
                firstTime: time,
                lastTime: time,
              }),
            ])
            .then(
              () => true,
              () => false,
            );
          if (ok) {
            committed++;
            counter++;
          } else failed++;
        }
      }),
    );
    const perTxS = (performance.now() - t2) / 1000;
    if (failed) log(`  ${failed} per-reading transactions failed and were tried again`);

    const acceptedPerS = total / acceptS;
    const anchoredPerS = total / anchorS;
    const perTx = committed / perTxS;
    return {
      readings_accepted_per_s: Math.round(acceptedPerS),
      readings_accept_p95_ms: Number(percentile(latencies, 95).toFixed(1)),
      readings_anchored_per_s: Math.round(anchoredPerS),
      anchor_tx_per_s: Number((batches[0]!.n / anchorS).toFixed(2)),
      per_reading_tx_per_s: Number(perTx.toFixed(2)),
      readings_vs_per_tx_ratio: Number((Math.min(acceptedPerS, anchoredPerS) / perTx).toFixed(1)),
      readings_cpu_us_per_reading: Object.fromEntries(
        Object.entries(acceptCpu.perFiling)
          .filter(([, ms]) => ms > 0)
          .map(([kind, ms]) => [kind, Number((ms * 1000).toFixed(1))]),
      ),
    };
  } finally {
    await bench.close();
  }
}

if (require.main === module) {
  runReadingsBench({ quick: process.argv.includes('--quick') })
    .then((figures) => {
      for (const [k, v] of Object.entries(figures))
        console.log(`${k.padEnd(26)}${typeof v === 'object' ? JSON.stringify(v) : v}`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
