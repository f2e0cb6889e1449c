/**
 * Evidence bundles on the real devnet. Agreement: for every transaction of a run (filings,
 * acts, releases, trust list changes, seals, a crossing, one-agency releases the key-level
 * policy fails, acts that lose an MVCC race), the verifier's verdict equals the validation
 * code Fabric recorded (qscc GetTransactionByID), and its own re-evaluation of the
 * endorsement policy fails exactly where Fabric's did. Then the release and crossing
 * bundles of the run, verified as a carrier or a bank would.
 */
import {
  listAuthority,
  createTestPki,
  sampleFiling,
  signFiling,
} from '@clearance/testkit/chaincode';
import { connectGateway, loadConfig } from '@clearance/gateway';
import { messageSigner } from '@clearance/fabric-client';
import { CHAINCODE_NAME, CHANNEL_NAME, Devnet } from '@clearance/devnet';
import {
  DEVNET_ATTESTERS,
  devnetEvidence,
  evidenceScenario,
  officerLedgers,
  peerIdentity,
  type DevnetEvidence,
  type EvidenceScenario,
} from '@clearance/load/evidence-harness';
import {
  createAttester,
  createBundleBuilder,
  decodeBlock,
  transactionIdOfEnvelope,
  validationCodeName,
  verdict,
  verifyBundle,
  type Attester,
  type VerificationReport,
} from '@clearance/verifier';
import { createPrivateKey, randomUUID } from 'node:crypto';

const ENDORSEMENT_POLICY_FAILURE = 10;
const MVCC_READ_CONFLICT = 11;

describe('evidence on the devnet', () => {
  const devnet = new Devnet({ log: () => undefined });
  const run = randomUUID().slice(0, 8).toUpperCase();
  let evidence: DevnetEvidence;
  let scenario: EvidenceScenario;
  let firstBlock: bigint;

  beforeAll(async () => {
    await devnet.up();
    evidence = await devnetEvidence(devnet);
    const reader = evidence.readers.get('GDCustomsMSP');
    firstBlock = (await reader!.height()) - 1n;
    scenario = await evidenceScenario(devnet, run);
    await moreTransactions(devnet, run);
  }, 600_000);

  afterAll(() => evidence?.close());

  it('agrees with Fabric on the validity of every transaction of the run (at least 100)', async () => {
    const reader = evidence.readers.get('GDCustomsMSP')!;
    const height = await reader.height();
    const transactions: string[] = [];
    for (let n = firstBlock + 1n; n < height; n++) {
      const block = decodeBlock(await reader.blockByNumber(n));
      for (const data of block.data) transactions.push(transactionIdOfEnvelope(data));
    }
    expect(transactions.length).toBeGreaterThanOrEqual(100);
    const rows: { id: string; code: number; valid: boolean; policy: string }[] = [];
    for (const id of transactions) {
      const code = await reader.validationCode(id);
      const bundle = await evidence.builder.build({ kind: 'transaction', transactionIds: [id] });
      const report = await verifyBundle(bundle, evidence.trustRoot);
      const policy = subjectCheck(report, 'transaction.endorsement-policy');
      rows.push({ id, code, valid: report.valid, policy: policy?.status ?? 'missing' });
    }
    const disagreements = rows.filter(
      (r) =>
        r.valid !== (r.code === 0) ||
        (r.policy === 'INVALID') !== (r.code === ENDORSEMENT_POLICY_FAILURE),
    );
    expect(disagreements).toEqual([]);
    const codes = new Set(rows.map((r) => validationCodeName(r.code)));
    const counts = [...codes].map(
      (c) => `${c} ${rows.filter((r) => validationCodeName(r.code) === c).length}`,
    );
    console.log(`agreement: ${rows.length} transactions (${counts.join(', ')}), 0 disagreements`);
    // The run holds valid transactions and both kinds of invalid ones Fabric recorded.
    expect([...codes].sort()).toEqual([
      'ENDORSEMENT_POLICY_FAILURE',
      'MVCC_READ_CONFLICT',
      'VALID',
    ]);
    expect(
      rows.filter((r) => r.code === MVCC_READ_CONFLICT).every((r) => r.policy === 'VALID'),
    ).toBe(true);
  }, 600_000);

  it('proves the consignment released by GD customs and CIQ and by HK customs, and the crossing decision', async () => {
    const release = await evidence.builder.build({
      kind: 'release',
      transactionIds: [scenario.gd.releases[1]!, scenario.hk.releases[0]!],
    });
    const report = await verifyBundle(release, evidence.trustRoot, {
      expect: { declarationId: scenario.hk.declarationId },
    });
    expect(report.checks.filter((c) => c.status !== 'VALID')).toEqual([]);
    expect(verdict(report, 'en')).toMatch(
      /^Released by Guangdong Customs at .+ and by Guangdong Inspection and Quarantine at .+, and by Hong Kong Customs at /,
    );
    const crossing = await evidence.builder.build({
      kind: 'crossing',
      transactionIds: [scenario.crossing.transactionId],
    });
    const decided = await verifyBundle(crossing, evidence.trustRoot, {
      expect: { crossingId: scenario.crossing.crossingId },
    });
    expect(decided.valid).toBe(true);
    expect(decided.facts).toMatchObject({
      kind: 'crossing',
      controlPoint: 'LMC',
      decidedBy: 'HKCustomsMSP',
    });
  }, 120_000);

  it('refuses the one-agency release Fabric marked ENDORSEMENT_POLICY_FAILURE, though its block holds it', async () => {
    expect(scenario.oneAgency.validationCode).toBe(ENDORSEMENT_POLICY_FAILURE);
    const bundle = await evidence.builder.build({
      kind: 'release',
      transactionIds: [scenario.oneAgency.transactionId],
    });
    const report = await verifyBundle(bundle, evidence.trustRoot);
    expect(report.valid).toBe(false);
    expect(subjectCheck(report, 'transaction.validity')).toMatchObject({
      status: 'INVALID',
      reason: 'TX_INVALID',
      detail: expect.stringContaining('ENDORSEMENT_POLICY_FAILURE'),
    });
    expect(subjectCheck(report, 'transaction.endorsement-policy')).toMatchObject({
      status: 'INVALID',
      reason: 'POLICY_NOT_SATISFIED',
    });
  }, 120_000);

  it('is not fooled by lying statements: a policy-failing release stays refused, and statements that disagree are refused', async () => {
    // Both customs services' attesters made to state what their peers did not record.
    const lying = (code: (real: number) => number) =>
      DEVNET_ATTESTERS.map((mspId) => {
        const reader = evidence.readers.get(mspId)!;
        const identity = peerIdentity(devnet, mspId);
        return createAttester({
          reader: {
            ...reader,
            validationCode: async (id) => code(await reader.validationCode(id)),
          },
          channel: CHANNEL_NAME,
          chaincode: CHAINCODE_NAME,
          mspId,
          certificate: identity.certificate,
          sign: messageSigner(createPrivateKey(identity.privateKey)),
        });
      });
    const builderWith = (attesters: Attester[]) =>
      createBundleBuilder({
        reader: evidence.readers.get('GDCustomsMSP')!,
        channel: CHANNEL_NAME,
        chaincode: CHAINCODE_NAME,
        attesters,
      });
    const forged = await builderWith(lying(() => 0)).build({
      kind: 'release',
      transactionIds: [scenario.oneAgency.transactionId],
    });
    const report = await verifyBundle(forged, evidence.trustRoot);
    expect(subjectCheck(report, 'transaction.validity')?.status).toBe('VALID'); // the lie
    expect(report.valid).toBe(false);
    expect(subjectCheck(report, 'transaction.endorsement-policy')).toMatchObject({
      status: 'INVALID',
      reason: 'POLICY_NOT_SATISFIED',
    });

    const [honest] = evidence.attesters;
    const [, liar] = lying(() => MVCC_READ_CONFLICT);
    const disagreeing = await builderWith([honest!, liar!]).build({
      kind: 'release',
      transactionIds: [scenario.gd.releases[1]!],
    });
    expect(
      subjectCheck(await verifyBundle(disagreeing, evidence.trustRoot), 'transaction.validity'),
    ).toMatchObject({
      status: 'INVALID',
      reason: 'ATTESTATIONS_DISAGREE',
    });
  }, 120_000);
});

function subjectCheck(report: VerificationReport, check: string) {
  return report.checks.find((c) => c.check === check && c.target.endsWith('(subject)'));
}

/**
 * More of what a day on the ledger holds: twelve GD declarations through to release at
 * once, releases by one agency that the key-level policy fails, and pairs of acts endorsed
 * on the same state, so that the second to commit loses on MVCC.
 */
async function moreTransactions(devnet: Devnet, run: string) {
  const officers = officerLedgers(devnet);
  const { client, gateway } = connectGateway(
    loadConfig({ FABRIC_CONNECTION: devnet.connectionFile('gdcustoms/officer1') }).fabric,
  );
  try {
    const pki = await createTestPki({ idSuffix: `${run}B` });
    await listAuthority(
      officers.as('gdcustoms/trust-admin'),
      officers.as('hkcustoms/trust-admin'),
      pki.gd,
    );
    const ids = Array.from({ length: 12 }, (_, i) => `GD-${run}-B${i}`);
    await Promise.all(
      ids.map(async (id) => {
        const signed = await signFiling(sampleFiling(id, 'GD'), pki.signers.gdTrader);
        await officers
          .as('gdcustoms/agent')
          .submit('Declaration:File', signed.args, signed.transient);
      }),
    );
    const customs = officers.as('gdcustoms/officer1');
    const act = (name: string, args: (id: string) => string[], who = customs) =>
      Promise.all(ids.map((id) => who.submit(`Declaration:${name}`, args(id))));
    await act('Accept', (id) => [id, '']);
    await act('AssessRisk', (id) => [id, 'LOW', '3', '']);
    await act('MarkReleaseEligible', (id) => [id, 'low risk']);
    // Two holds endorsed on the same state: one commits, the other fails MVCC.
    for (const id of ids.slice(0, 4)) {
      const first = await customs.prepare('Declaration:Hold', [id, 'check seal']);
      const second = await customs.prepare('Declaration:Hold', [id, 'check papers']);
      const outcomes = await Promise.all([
        customs.send(first.envelope),
        customs.send(second.envelope),
      ]);
      expect(outcomes.map((o) => o.state).sort()).toEqual(['committed', 'invalid']);
      await customs.submit('Declaration:Unhold', [id, 'checked']);
    }
    // GD customs alone, with HK customs and the operator: the release key needs GD CIQ.
    const network = gateway.getNetwork(CHANNEL_NAME);
    for (const id of ids.slice(4, 7)) {
      const proposal = network.getContract('clearance-gd').newProposal('Declaration:Release', {
        arguments: [id, 'customs alone'],
        endorsingOrganizations: ['GDCustomsMSP', 'HKCustomsMSP', 'LogisticsMSP'],
      });
      const status = await (await (await proposal.endorse()).submit()).getStatus();
      expect(status.code).toBe(ENDORSEMENT_POLICY_FAILURE);
    }
    await act('Release', (id) => [id, 'duties paid']);
    await act('Release', (id) => [id, 'no quarantine issue'], officers.as('gdciq/inspector1'));
  } finally {
    gateway.close();
    client.close();
    await officers.closeAll();
  }
}
