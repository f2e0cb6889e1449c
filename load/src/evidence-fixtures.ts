/**
 * Regenerates the verifier's unit-test fixtures from a devnet:
 *   npm run evidence:fixtures      (brings the devnet up if it is not)
 * Makes the evidence scenario's transactions (load/src/evidence-harness.ts), builds their
 * bundles and writes verifier/fixtures/devnet-evidence.json: the trust root, the shared
 * configuration chain, each bundle without it, and the orderers' system-channel genesis
 * block (a block of another channel, for the tamper tests). Nothing in it is secret.
 */
import { Devnet } from '@clearance/devnet';
import { toBase64, type Bundle } from '@clearance/verifier';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { devnetEvidence, evidenceScenario } from './evidence-harness';

import { FIXTURES_FILE } from './evidence-fixtures-file';

async function main(): Promise<void> {
  const devnet = new Devnet({ log: (line) => console.log(line) });
  await devnet.up();
  const run = randomUUID().slice(0, 8).toUpperCase();
  const scenario = await evidenceScenario(devnet, run);
  const evidence = await devnetEvidence(devnet);
  try {
    const build = (kind: Bundle['facts']['kind'], transactionIds: string[]) =>
      evidence.builder.build({ kind, transactionIds });
    const bundles: Record<string, Bundle> = {
      gdRelease: await build('release', [scenario.gd.releases[1] as string]),
      consignmentRelease: await build('release', [
        scenario.gd.releases[1] as string,
        scenario.hk.releases[0] as string,
      ]),
      oneAgencyRelease: await build('release', [scenario.oneAgency.transactionId]),
      crossing: await build('crossing', [scenario.crossing.transactionId]),
      filing: await build('transaction', [
        scenario.submitted.find((s) => s.name === 'Declaration:File')?.transactionId as string,
      ]),
    };
    const configuration = bundles.gdRelease?.configuration;
    const stripped = Object.fromEntries(
      Object.entries(bundles).map(([name, b]) => {
        if (JSON.stringify(b.configuration) !== JSON.stringify(configuration))
          throw new Error(`${name} was built under another configuration`);
        return [name, { ...b, configuration: undefined }];
      }),
    );
    const fixtures = {
      $comment:
        'Captured from a devnet by `npm run evidence:fixtures` (load/src/evidence-fixtures.ts); regenerate, do not edit.',
      capturedAt: new Date().toISOString(),
      trustRoot: evidence.trustRoot,
      scenario: {
        gd: scenario.gd,
        hk: scenario.hk,
        oneAgency: scenario.oneAgency,
        crossing: scenario.crossing,
      },
      systemChannelGenesisBlock: fs.existsSync(devnet.paths.systemGenesisBlock)
        ? toBase64(fs.readFileSync(devnet.paths.systemGenesisBlock))
        : null,
      configuration,
      bundles: stripped,
    };
    fs.mkdirSync(path.dirname(FIXTURES_FILE), { recursive: true });
    fs.writeFileSync(FIXTURES_FILE, `${JSON.stringify(fixtures, null, 1)}\n`);
    console.log(`wrote ${FIXTURES_FILE} (${fs.statSync(FIXTURES_FILE).size} bytes)`);
  } finally {
    evidence.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
