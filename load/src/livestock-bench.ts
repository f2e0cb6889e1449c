/**
 * Trace-back latency over a ledger holding many food animals (issue 28): certifies
 * `--animals` animals (default 10,000) in consignments of 1,000 (one certificate each, the
 * vet's signature checked through the trust list), each sealed and checked on arrival at
 * Man Kam To by a Centre for Food Safety officer and received at the slaughterhouse (every
 * carcass id indexed), then asks Livestock:TraceBack for random ear tags on a GD peer and,
 * as the Centre for Food Safety, on HK customs' peer (the one serving it), for random carcass
 * ids there, and, side by side in the same run, the bare ear-tag lookup
 * (Livestock:GetByEarTag), so the ratio shows what joining farm, seal track, arrival and
 * receipt across the three namespaces costs. Prints the figures (ms: median, p95, max).
 *
 *   npm run bench:livestock -- [--animals 10000] [--queries 200]
 */
import './quiet-logs';
import { canonicalBytes, toHex } from '@clearance/core';
import { sha256, type HealthCertificate } from '@clearance/domain';
import {
  createTestPki,
  listAuthority,
  sampleFiling,
  signFiling,
} from '@clearance/testkit/chaincode';
import type { Ledger } from '@clearance/gateway';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { openBenchDevnet } from './bench-devnet';
import { summary } from './stats';

const PER_CONSIGNMENT = 1000;

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

/** Another peer may be a block behind: try again on these codes, briefly. */
async function soon<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!['NOT_FOUND', 'CONFLICT', 'INVALID_STATE'].includes(code) || attempt === 40) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function timed(ledger: Ledger, tx: string, args: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  await ledger.evaluate(tx, args);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main(): Promise<void> {
  const animals = flag('animals', 10_000);
  const queries = flag('queries', 200);
  const bench = await openBenchDevnet('livestock', 1);
  const { run, as } = bench;
  const log = (line: string) => console.log(`livestock: ${line}`);
  try {
    const pki = await createTestPki({ idSuffix: run });
    await listAuthority(as('gdcustoms/trust-admin'), as('hkcustoms/trust-admin'), pki.gd);
    const ciq = as('gdciq/inspector1');
    const hk = as('hkcustoms/officer1');
    const cfs = as('hkcfs/inspector1');
    const slaughterhouse = as('hkcfs/slaughter-sssh');
    const carcass = (c: number, i: number) => `K${run}${c}${String(i).padStart(5, '0')}`;
    const carcasses: string[] = [];
    const farmId = `F-${run}`;
    await soon(async () =>
      ciq.submit(
        'Livestock:RegisterFarm',
        [
          JSON.stringify({
            farmId,
            name: 'Bench farm',
            region: 'Huizhou',
            species: ['PIG'],
            veterinarian: {
              registrationNo: `VET-${run}`,
              certificateSha256: toHex(await sha256(pki.signers.gdTrader.certificate)),
            },
          }),
        ],
        {
          farm: JSON.stringify({ operator: 'Bench', address: 'Huizhou', veterinarianName: 'Dr B' }),
        },
      ),
    );
    const consignments = Math.ceil(animals / PER_CONSIGNMENT);
    const tags: string[] = [];
    const t0 = Date.now();
    for (let c = 0; c < consignments; c++) {
      const declarationId = `GD-${run}-LB${c}`;
      const filing = await signFiling(sampleFiling(declarationId), pki.signers.gdTrader);
      await as('gdcustoms/agent').submit('Declaration:File', filing.args, filing.transient);
      const count = Math.min(PER_CONSIGNMENT, animals - c * PER_CONSIGNMENT);
      const earTags = Array.from(
        { length: count },
        (_, i) => `${run}${c}${String(i).padStart(5, '0')}`,
      );
      tags.push(...earTags);
      const certificate: HealthCertificate = {
        certificateNo: `HC-${run}-${c}`,
        consignmentId: `C-${run}-${c}`,
        farmId,
        species: 'PIG',
        headCount: count,
        animals: earTags.map((earTag) => ({ earTag })),
        vaccinations: [{ disease: 'Classical swine fever', vaccinatedOn: '2026-10-01' }],
        residueTests: [
          {
            substance: 'Clenbuterol',
            result: 'NEGATIVE',
            sampledOn: '2026-11-20',
            laboratory: 'L',
          },
        ],
        issuedOn: '2026-11-25',
        slaughterhouse: 'SSSH',
        declarationId,
        conveyance: `T${c}`,
      };
      const cms = await pki.signers.gdTrader.sign(canonicalBytes(certificate));
      await soon(() =>
        ciq.submit('Livestock:Certify', [
          JSON.stringify(certificate),
          Buffer.from(cms).toString('base64'),
        ]),
      );
      // Its truck sealed, and checked at Man Kam To: the trace joins all of it.
      const deviceId = `EL-${run}${c}`;
      const sealId = `SEAL-${run}-${c}`;
      const operator = as('logistics/operator1');
      await operator.submit('Seal:RegisterDevice', [
        JSON.stringify({
          deviceId,
          model: 'GPS-ELOCK-7',
          publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
            .publicKey.export({ type: 'spki', format: 'pem' })
            .toString(),
          tagUid: `04${randomUUID().replace(/-/g, '').slice(0, 12)}`,
        }),
      ]);
      await soon(() => as('gdcustoms/officer1').submit('Seal:AccreditDevice', [deviceId]));
      await soon(() => hk.submit('Seal:AccreditDevice', [deviceId]));
      await soon(() =>
        operator.submit('Seal:ApplySeal', [
          JSON.stringify({
            sealId,
            deviceId,
            conveyance: `T${c}`,
            routeId: 'FARM-MKT',
            declarationIds: [declarationId],
          }),
        ]),
      );
      await soon(() => ciq.submit('Livestock:LinkSeal', [certificate.consignmentId, sealId]));
      await soon(() =>
        cfs.submit('Livestock:CheckArrival', [
          JSON.stringify({
            consignmentId: certificate.consignmentId,
            controlPoint: 'MKT',
            earTagsRead: earTags,
          }),
        ]),
      );
      await soon(() =>
        slaughterhouse.submit('Livestock:Receive', [
          JSON.stringify({
            consignmentId: certificate.consignmentId,
            slaughterhouse: 'SSSH',
            anteMortem: earTags.map((earTag) => ({ earTag, result: 'FIT' })),
            postMortem: earTags.map((earTag, i) => ({
              earTag,
              carcassId: carcass(c, i),
              result: 'PASS',
            })),
          }),
        ]),
      );
      carcasses.push(...earTags.map((_, i) => carcass(c, i)));
    }
    log(
      `${tags.length} animals in ${consignments} consignments certified, sealed, checked and received in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const any = (ids: string[]) => ids[Math.floor(Math.random() * ids.length)] ?? '';
    const pick = () => any(tags);
    // Warm each peer's connection and chaincode first.
    await soon(() => timed(ciq, 'Livestock:TraceBack', ['earTag', pick()]));
    await soon(() => timed(cfs, 'Livestock:TraceBack', ['earTag', pick()]));
    const samples = {
      gdTrace: [] as number[],
      hkTrace: [] as number[],
      hkCarcass: [] as number[],
      gdLookup: [] as number[],
    };
    // Interleaved, so load on the machine falls on every series alike.
    for (let i = 0; i < queries; i++) {
      samples.gdTrace.push(await timed(ciq, 'Livestock:TraceBack', ['earTag', pick()]));
      samples.hkTrace.push(await timed(cfs, 'Livestock:TraceBack', ['earTag', pick()]));
      samples.hkCarcass.push(await timed(cfs, 'Livestock:TraceBack', ['carcass', any(carcasses)]));
      samples.gdLookup.push(await timed(ciq, 'Livestock:GetByEarTag', [pick()]));
    }
    const fmt = (s: number[]) => {
      const x = summary(s);
      return `median ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms, max ${x.max.toFixed(1)} ms (n=${x.n})`;
    };
    log(`trace-back on a GD peer:  ${fmt(samples.gdTrace)}`);
    log(`trace-back on HK's peer (CFS officer):  ${fmt(samples.hkTrace)}`);
    log(`trace-back from a carcass (HK's peer):   ${fmt(samples.hkCarcass)}`);
    log(`ear-tag lookup (GD peer): ${fmt(samples.gdLookup)}`);
    log(
      `trace-back / lookup (medians, GD peer): ${(summary(samples.gdTrace).p50 / summary(samples.gdLookup).p50).toFixed(2)}`,
    );
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
