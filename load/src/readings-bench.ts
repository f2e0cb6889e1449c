/**
 * Seal readings, measured side by side in one run on the devnet and a private PostgreSQL:
 *  - ingestion: readings accepted per second (validation, device signature, counter, COPY);
 *  - anchoring: readings anchored per second and anchor transactions per second;
 *  - one transaction per reading (a small sample), for the ratio.
 *
 *   npm run bench:readings -- [--readings 20000] [--per-tx 40]
 */
import './quiet-logs';
import {
  authorityInput,
  createTestPki,
  sampleFiling,
  signFiling,
} from '@clearance/chaincode/testing';
import {
  anchorPending,
  createFabricLedger,
  ingestReadings,
  loadConfig,
  migrate,
  type Ledger,
} from '@clearance/gateway';
import { Devnet } from '@clearance/network';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { signReading, type SignedReading } from '@clearance/seal-devices/domain';
import { ROUTES, simulateTrip } from '@clearance/seal-devices/fleet';
import { percentile } from './stats';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main(): Promise<void> {
  const total = arg('--readings', 20_000);
  const perTxSample = arg('--per-tx', 40);
  const devnet = new Devnet({ log: () => undefined });
  const report = await devnet.up();
  const services = await devnet.services();
  const run = randomUUID().slice(0, 8).toUpperCase();
  const admin = new Pool({ connectionString: services.databaseUrl, max: 1 });
  const dbName = `bench_${run.toLowerCase()}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(services.databaseUrl);
  url.pathname = `/${dbName}`;
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  const ledgers: Ledger[] = [];
  const as = (who: string): Ledger => {
    const l = createFabricLedger(
      loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(who) }).fabric,
    );
    ledgers.push(l);
    return l;
  };
  try {
    await migrate(pool);
    const operator = as('logistics/operator1');
    const pki = await createTestPki({ idSuffix: run });
    await as('gdcustoms/trust-admin').submit('TrustList:AddAuthority', [authorityInput(pki.gd)]);
    const declarationId = `GD-${run}-BENCH`;
    const signed = await signFiling(sampleFiling(declarationId), pki.signers.gdTrader);
    await as('gdcustoms/agent').submit('Declaration:File', signed.args, signed.transient);

    // Devices: one for the batched path, one for one-transaction-per-reading.
    const devices = ['A', 'B'].map((k) => ({
      deviceId: `EL-${run}-${k}`,
      sealId: `SEAL-${run}-${k}`,
      keys: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    }));
    for (const d of devices) {
      await operator.submit('Seal:RegisterDevice', [
        JSON.stringify({
          deviceId: d.deviceId,
          model: 'BENCH',
          publicKeyPem: d.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          tagUid: `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
        }),
      ]);
      await as('gdcustoms/officer1').submit('Seal:AccreditDevice', [d.deviceId]);
      await as('hkcustoms/officer1').submit('Seal:AccreditDevice', [d.deviceId]);
      await operator.submit('Seal:ApplySeal', [
        JSON.stringify({
          sealId: d.sealId,
          deviceId: d.deviceId,
          conveyance: 'BENCH',
          routeId: 'HKIA-FUTIAN',
          declarationIds: [declarationId],
        }),
      ]);
    }
    const [a, b] = devices as [(typeof devices)[0], (typeof devices)[0]];
    const readings: SignedReading[] = [];
    while (readings.length < total) {
      readings.push(
        ...simulateTrip({
          deviceId: a.deviceId,
          privateKey: a.keys.privateKey,
          route: ROUTES[readings.length % 3]!,
          departure: new Date(),
          intervalS: 1,
        }).map((r) => r),
      );
    }
    // Counters must rise across trips: re-sign a continuous sequence.
    const sequence = readings
      .slice(0, total)
      .map((r, i) => signReading({ ...r.reading, counter: i + 1 }, a.keys.privateKey));
    const directory = async (id: string) =>
      id === a.deviceId
        ? {
            publicKeyPem: a.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
            sealId: a.sealId,
          }
        : undefined;

    const batchSize = 500;
    const acceptLatencies: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < sequence.length; i += batchSize) {
      const s = performance.now();
      const result = await ingestReadings(pool, directory, sequence.slice(i, i + batchSize));
      if (result.accepted !== Math.min(batchSize, sequence.length - i))
        throw new Error(`refused: ${JSON.stringify(result.rejected[0])}`);
      acceptLatencies.push(performance.now() - s);
    }
    const ingestS = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    let anchorTx = 0;
    while (await anchorPending(pool, operator, a.sealId, 5000)) anchorTx++;
    const anchorS = (performance.now() - t1) / 1000;

    const bSequence = simulateTrip({
      deviceId: b.deviceId,
      privateKey: b.keys.privateKey,
      route: ROUTES[0]!,
      departure: new Date(),
      intervalS: 1,
    }).slice(0, perTxSample);
    const t2 = performance.now();
    for (const [i, r] of bSequence.entries()) {
      // The naive design: every reading its own anchored "batch" of one.
      await operator.submit('Seal:AnchorReadings', [
        b.sealId,
        JSON.stringify({
          batchId: `one-${i}`,
          fromCounter: r.reading.counter,
          toCounter: r.reading.counter,
          count: 1,
          merkleRoot: 'ab'.repeat(32),
          firstTime: r.reading.time,
          lastTime: r.reading.time,
        }),
      ]);
    }
    const perTxS = (performance.now() - t2) / 1000;

    const accepted = sequence.length / ingestS;
    const anchored = sequence.length / anchorS;
    const perTx = bSequence.length / perTxS;
    console.log(
      `readings: ${sequence.length} from one e-lock, batches of ${batchSize} into PostgreSQL, anchors of up to 5000`,
    );
    console.log(
      `  accepted per second          : ${accepted.toFixed(0)}  (batch of ${batchSize}: p50 ${percentile(acceptLatencies, 50).toFixed(1)} ms, p95 ${percentile(acceptLatencies, 95).toFixed(1)} ms)`,
    );
    console.log(
      `  anchored per second          : ${anchored.toFixed(0)}  (${anchorTx} anchor transactions, ${(anchorTx / anchorS).toFixed(2)} tx/s)`,
    );
    console.log(
      `  one transaction per reading  : ${perTx.toFixed(2)} readings/s (n=${bSequence.length}, sequential)`,
    );
    console.log(`  anchored / per-reading ratio : ${(anchored / perTx).toFixed(0)}x`);
  } finally {
    await Promise.all(ledgers.map((l) => l.close()));
    await pool.end();
    await admin.query(`DROP DATABASE ${dbName}`);
    await admin.end();
    await devnet.stop([...services.started, ...report.started]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
