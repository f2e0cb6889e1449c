/**
 * Submission → both declarations committed, for dual filings (docs/dual-declaration.md),
 * beside single filings in the same run, both at a steady rate on the one-host devnet.
 * A dual filing is received by HK customs (FileDual, HK's peer); GD's node files the GD
 * half (the gateway's dual worker, poked by the dual events of the HK namespace as the
 * gateway's indexer pokes it, sidesWithDualWork; its 5 s sweep is the fallback). A single
 * filing is an HK export filed alone. Each is timed from its submission to the commit of
 * its last declaration.
 *
 *   npm run bench:dual -- [--n 50] [--interval-ms 1000]
 */
import './quiet-logs';
import {
  connectGateway,
  createFabricLedger,
  loadConfig,
  sidesWithDualWork,
  startDualWorker,
  type Ledger,
} from '@clearance/gateway';
import {
  createTestPki,
  listAuthority,
  sampleDualFiling,
  sampleFiling,
  signDual,
  signFiling,
  type DualFiling,
} from '@clearance/testkit/chaincode';
import { Devnet } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import { summary } from './stats';

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main(): Promise<void> {
  const n = option('--n', 50);
  const intervalMs = option('--interval-ms', 1000);
  const devnet = new Devnet({ log: () => undefined });
  const report = await devnet.up();
  const ledgers = new Map<string, Ledger>();
  const as = (who: string): Ledger => {
    let ledger = ledgers.get(who);
    if (!ledger) {
      ledger = createFabricLedger(
        loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(who) }).fabric,
      );
      ledgers.set(who, ledger);
    }
    return ledger;
  };
  const run = randomUUID().slice(0, 8).toUpperCase();
  const pki = await createTestPki({ idSuffix: run });
  await listAuthority(as('hkcustoms/trust-admin'), as('gdcustoms/trust-admin'), pki.hk);

  const filings = new Map<string, DualFiling>();
  const started = new Map<string, number>();
  const dual: number[] = [];
  /** Per dual filing: submission → the receiving side's commit (FileDual), and the rest. */
  const firstCommitted = new Map<string, number>();
  const receivingSide: number[] = [];
  const otherSide: number[] = [];
  const single: number[] = [];
  const errors: string[] = [];
  let allFiled!: () => void;
  const done = new Promise<void>((resolve) => (allFiled = resolve));
  const worker = startDualWorker({
    // GD files its halves; HK settles its index entries of halves GD filed (as HK's gateway).
    agents: { GD: async () => as('gdcustoms/agent'), HK: async () => as('hkcustoms/agent') },
    commercial: {
      get: async (id, _version, j) => {
        const filing = filings.get(id);
        return filing && JSON.stringify(filing.commercial[j]);
      },
    },
    onError: (error) => errors.push(String(error)),
    onFiled: ({ submissionId }) => {
      const t0 = started.get(submissionId);
      if (t0 === undefined) return;
      started.delete(submissionId);
      const now = performance.now();
      dual.push(now - t0);
      const t1 = firstCommitted.get(submissionId);
      if (t1 !== undefined) otherSide.push(now - t1);
      if (dual.length === n) allFiled();
    },
  });
  // GD's node learns of HK's filings from its own peer's events (the gateway's indexer).
  const gdConfig = loadConfig({ FABRIC_CONNECTION: devnet.connectionFile('gdcustoms/agent') });
  const { client, gateway } = connectGateway(gdConfig.fabric);
  const events = await gateway
    .getNetwork(gdConfig.fabric.channel)
    .getChaincodeEvents('clearance-hk', {
      startBlock: await as('gdcustoms/agent').channelHeight(),
    });
  void (async () => {
    for await (const event of events) {
      const payload: unknown = JSON.parse(Buffer.from(event.payload).toString());
      if (sidesWithDualWork(event.eventName, payload).includes('GD')) worker.poke();
    }
  })().catch(() => undefined);

  const hkAgent = as('hkcustoms/agent');
  const fileDual = async (i: number) => {
    const id = `BD-${run}-${i}`;
    const filing = await sampleDualFiling(id);
    filings.set(id, filing);
    const signed = await signDual(filing, 'HK', (c) => pki.signers.hkTrader.sign(c));
    const t0 = performance.now();
    started.set(id, t0);
    await hkAgent.submit('Declaration:FileDual', signed.args, signed.transient);
    firstCommitted.set(id, performance.now());
    receivingSide.push(performance.now() - t0);
  };
  const fileSingle = async (i: number) => {
    const signed = await signFiling(sampleFiling(`BS-${run}-${i}`, 'HK'), pki.signers.hkTrader);
    const t0 = performance.now();
    await hkAgent.submit('Declaration:File', signed.args, signed.transient);
    single.push(performance.now() - t0);
  };
  try {
    // Warm-up, not counted.
    await fileSingle(-1);
    single.length = 0;
    const t0 = performance.now();
    const runs: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const at = t0 + i * intervalMs;
      await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
      runs.push(fileDual(i).catch((e: unknown) => void errors.push(String(e))));
      setTimeout(
        () => runs.push(fileSingle(i).catch((e: unknown) => void errors.push(String(e)))),
        intervalMs / 2,
      );
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 120_000))]);
    await Promise.all(runs);
    const fmt = (label: string, samples: number[]) => {
      const s = summary(samples);
      return `${label.padEnd(34)} n=${String(s.n).padStart(3)}  median ${s.p50.toFixed(0).padStart(5)} ms  p95 ${s.p95.toFixed(0).padStart(5)} ms  max ${s.max.toFixed(0).padStart(5)} ms`;
    };
    console.log(`dual filings: one every ${intervalMs} ms, a single filing between each two`);
    console.log(fmt('single (HK export) submit→commit', single));
    console.log(fmt('dual submit→both halves committed', dual));
    console.log(fmt('  of which submit→FileDual committed', receivingSide));
    console.log(fmt('  FileDual committed→GD half committed', otherSide));
    const ratio = summary(dual).p50 / summary(single).p50;
    console.log(`median ratio dual/single ${ratio.toFixed(2)}; errors ${errors.length}`);
    for (const e of errors.slice(0, 5)) console.log(`  ${e}`);
  } finally {
    events.close();
    await worker.stop();
    gateway.close();
    client.close();
    await Promise.all([...ledgers.values()].map((l) => l.close()));
    if (report.started.length > 0) await devnet.stop(report.started);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
