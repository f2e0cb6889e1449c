/**
 * Data for the k6 scenarios (load/k6), which cannot sign CMS: puts a test CA on the devnet's
 * trust list, signs its GD trader in at the gateway, and signs filings ahead.
 *
 *   node load/dist/k6-data.js --base http://127.0.0.1:3000 [--filings 3000]
 *
 * Writes load/results/k6-data.json: { traderToken, filings: [<POST /v1/declarations body>] }.
 */
import './quiet-logs';
import { canonicalBytes } from '@clearance/core';
import { listAuthority, createTestPki, sampleFiling } from '@clearance/testkit/chaincode';
import { createFabricLedger, loadConfig } from '@clearance/gateway';
import { signInTrader } from '@clearance/testkit/gateway';
import { Devnet, REPO_ROOT } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
};

async function main(): Promise<void> {
  const base = arg('--base', 'http://127.0.0.1:3000');
  const n = Number(arg('--filings', '3000'));
  const devnet = new Devnet({ log: () => undefined });
  const run = randomUUID().slice(0, 6).toUpperCase();
  const pki = await createTestPki({ idSuffix: run });
  const admin = (org: string) =>
    createFabricLedger(
      loadConfig({ FABRIC_CONNECTION: devnet.connectionFile(`${org}/trust-admin`) }).fabric,
    );
  const [gdAdmin, hkAdmin] = [admin('gdcustoms'), admin('hkcustoms')];
  await listAuthority(gdAdmin, hkAdmin, pki.gd);
  await gdAdmin.close();
  await hkAdmin.close();

  const token = await signInTrader(base, pki.signers.gdTrader);

  const filings: string[] = [];
  for (let i = 0; i < n; i++) {
    const filing = sampleFiling(`GD-K6${run}-${i}`);
    const cms = await pki.signers.gdTrader.sign(canonicalBytes(filing));
    filings.push(JSON.stringify({ ...filing, signature: Buffer.from(cms).toString('base64') }));
  }
  const out = path.join(REPO_ROOT, 'load', 'results', 'k6-data.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ traderToken: token, filings }));
  console.log(`wrote ${n} signed filings and a trader token to ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
