/**
 * Chaincode execution time of FileDeclaration (which verifies the trader's CMS signature,
 * the certificate and the CRL) against a plain transition (Accept), side by side:
 *  - in process: the contract code alone on the in-memory ledger (no network, no peer);
 *  - on the devnet: endorsement latency through the Fabric client (the endorsing peers
 *    run the chaincode; the proposal is not submitted, so nothing is written).
 *
 *   npm run bench:chaincode -- [--n 200] [--devnet-n 30]
 */
import './quiet-logs';
import { DeclarationContract, TrustListContract } from '@clearance/chaincode';
import {
  MemoryLedger,
  OFFICERS,
  listAuthority,
  createTestPki,
  sampleFiling,
  signFiling,
} from '@clearance/testkit/chaincode';
import { connectGateway, createFabricLedger, loadConfig } from '@clearance/gateway';
import { Devnet, findFabric } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import { summary } from './stats';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const fmt = (s: ReturnType<typeof summary>): string =>
  `p50 ${s.p50.toFixed(2)} ms  p95 ${s.p95.toFixed(2)} ms  (n=${s.n})`;

async function inProcess(n: number): Promise<void> {
  const pki = await createTestPki();
  const ledger = new MemoryLedger([new DeclarationContract(), new TrustListContract()]);
  const gdAdmin = ledger.invokerFor(OFFICERS.gdTrustAdmin);
  const hkAdmin = ledger.invokerFor(OFFICERS.hkTrustAdmin);
  await listAuthority(gdAdmin, hkAdmin, pki.gd);
  await listAuthority(hkAdmin, gdAdmin, pki.hk);
  const file: number[] = [];
  const accept: number[] = [];
  for (let i = 0; i < n + 10; i++) {
    const id = `BENCH-${i}`;
    const signed = await signFiling(sampleFiling(id), pki.signers.gdTrader);
    const t0 = performance.now();
    await ledger
      .invokerFor(OFFICERS.gdAgent)
      .submit('Declaration:File', signed.args, signed.transient);
    const t1 = performance.now();
    await ledger.invokerFor(OFFICERS.gdCustoms).submit('Declaration:Accept', [id, 'ok']);
    const t2 = performance.now();
    if (i >= 10) {
      file.push(t1 - t0);
      accept.push(t2 - t1);
    }
  }
  const f = summary(file);
  const a = summary(accept);
  console.log('in process (contract code on the in-memory ledger):');
  console.log(`  FileDeclaration (ECDSA P-256 signer, CMS + chain + CRL) : ${fmt(f)}`);
  console.log(`  Accept (plain transition)                              : ${fmt(a)}`);
  console.log(
    `  File / Accept p50 ratio                                : ${(f.p50 / a.p50).toFixed(1)}`,
  );
}

async function onDevnet(n: number): Promise<void> {
  const devnet = new Devnet({ log: () => undefined });
  const report = await devnet.up();
  const connection = (who: string) =>
    loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(who) }).fabric;
  const pki = await createTestPki({ idSuffix: randomUUID().slice(0, 8).toUpperCase() });
  const admin = createFabricLedger(connection('gdcustoms/trust-admin'));
  const hkAdmin = createFabricLedger(connection('hkcustoms/trust-admin'));
  await listAuthority(admin, hkAdmin, pki.gd);
  await admin.close();
  await hkAdmin.close();
  const agent = connectGateway(connection('gdcustoms/agent'));
  const officer = connectGateway(connection('gdcustoms/officer1'));
  const id = `BENCH-${randomUUID()}`;
  const signed = await signFiling(sampleFiling(id), pki.signers.gdTrader);
  const transientData = { commercial: Buffer.from(signed.transient.commercial) };
  const agentContract = agent.gateway.getNetwork('clearance').getContract('clearance-gd');
  const officerContract = officer.gateway.getNetwork('clearance').getContract('clearance-gd');
  await (
    await agentContract.submitAsync('Declaration:File', { arguments: signed.args, transientData })
  ).getStatus();

  const file: number[] = [];
  const accept: number[] = [];
  try {
    for (let i = 0; i < n + 3; i++) {
      const other = await signFiling(sampleFiling(`${id}-${i}`), pki.signers.gdTrader);
      const t0 = performance.now();
      await agentContract
        .newProposal('Declaration:File', {
          arguments: other.args,
          transientData: { commercial: Buffer.from(other.transient.commercial) },
        })
        .endorse();
      const t1 = performance.now();
      await officerContract.newProposal('Declaration:Accept', { arguments: [id, 'ok'] }).endorse();
      const t2 = performance.now();
      if (i >= 3) {
        file.push(t1 - t0);
        accept.push(t2 - t1);
      }
    }
  } finally {
    for (const c of [agent, officer]) {
      c.gateway.close();
      c.client.close();
    }
    if (report.started.length > 0) await devnet.stop(report.started);
  }
  const f = summary(file);
  const a = summary(accept);
  console.log('on the devnet (endorsement through the Fabric client, not submitted):');
  console.log(`  FileDeclaration : ${fmt(f)}`);
  console.log(`  Accept          : ${fmt(a)}`);
  console.log(`  File / Accept p50 ratio : ${(f.p50 / a.p50).toFixed(2)}`);
}

async function main(): Promise<void> {
  await inProcess(arg('--n', 200));
  if (findFabric()) await onDevnet(arg('--devnet-n', 30));
  else console.log('devnet part skipped: no Fabric install found');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
