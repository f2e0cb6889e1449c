/**
 * Single submission, dual declaration on the devnet: one submission signed once (an HK
 * e-Cert RSA signer, a GD SM2 signer) gives the HK export and the GD import, each recorded
 * and endorsed in its own namespace (the receiving side files its half and the submission;
 * the other side's node files its half from it, verifying the same signature) and each
 * cleared by its own side; a signer recognised for one side only is refused with nothing
 * recorded; an amendment of shared data re-signs both halves, one of a side's own fields
 * amends that half only; with HK customs' peer down GD receives its half and the HK half
 * follows after the restart.
 */
import {
  ACCEPTED_POLICIES,
  createChainPki,
  createTestPki,
  listAuthority,
  sampleDualFiling,
  signDual,
  toPem,
  withHashes,
  type DualFiling,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { until } from '@clearance/testkit/gateway';
import {
  DeclarationRecordSchema,
  SubmissionRecordSchema,
  type DeclarationRecord,
  type Jurisdiction,
} from '@clearance/domain';
import { fileAllPendingHalves, type Ledger } from '@clearance/gateway';
import { Devnet, PEER_ORGS } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import { officerLedgers } from '../support/devnet-fixtures';

const HK_PEER = 'peer-hkcustoms';

describe('single submission, dual declaration on the devnet', () => {
  const devnet = new Devnet({ log: () => undefined });
  const ledgers = officerLedgers(devnet);
  const as = (who: string): Ledger => ledgers.as(who);
  const run = randomUUID().slice(0, 8).toUpperCase();
  const agents = { GD: 'gdcustoms/agent', HK: 'hkcustoms/agent' } as const;
  let pki: TestPki;
  let sm2Sign: (content: Uint8Array) => Promise<Uint8Array>;
  const filings = new Map<string, DualFiling>();

  beforeAll(async () => {
    await devnet.up();
    pki = await createTestPki({ idSuffix: run });
    const gdAdmin = as('gdcustoms/trust-admin');
    const hkAdmin = as('hkcustoms/trust-admin');
    // HK e-Cert (RSA): recognised for both sides (no recognisedFor: mutual recognition).
    await listAuthority(hkAdmin, gdAdmin, pki.hk);
    // The test PKI's GD authority, recognised for GD declarations only.
    await listAuthority(
      gdAdmin,
      hkAdmin,
      JSON.stringify({
        authorityId: pki.gd.authorityId,
        name: 'GD local CA (test)',
        jurisdiction: 'GD',
        caCertPem: pki.gd.caPem,
        acceptedPolicies: ACCEPTED_POLICIES.GD,
        crlPem: pki.gd.crlPem,
        recognisedFor: ['GD'],
      }),
    );
    // A GD SM2 chain (root → issuing CA → trader), recognised for both.
    const { gd } = await createChainPki();
    await listAuthority(
      gdAdmin,
      hkAdmin,
      JSON.stringify({
        authorityId: `GD-SM2-${run}`,
        name: 'GD SM2 CA (test)',
        jurisdiction: 'GD',
        caCertPem: toPem('CERTIFICATE', gd.root.der),
        acceptedPolicies: ACCEPTED_POLICIES.GD,
        crlPem: toPem('X509 CRL', gd.rootCrl),
        caCertificatesPem: [toPem('CERTIFICATE', gd.intermediate.der)],
      }),
    );
    await gdAdmin.submit('TrustList:UpdateRevocationList', [
      `GD-SM2-${run}`,
      toPem('X509 CRL', gd.intermediateCrl),
    ]);
    sm2Sign = (content) => gd.trader.sign(content);
  }, 300_000);

  afterAll(async () => {
    await devnet.up(); // HK's peer runs again whatever happened
    await ledgers.closeAll();
  });

  const get = async (id: string): Promise<DeclarationRecord> =>
    DeclarationRecordSchema.parse(
      JSON.parse(await as('gdcustoms/officer1').evaluate('Declaration:Get', [id])),
    );
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: { code?: string; ledger?: { reason?: string }; reason?: string }) => error,
    );

  /** The other side's node: one pass of its worker, with its values from its gateway's store. */
  const otherSidePass = (jurisdiction: Jurisdiction) =>
    fileAllPendingHalves({
      agents: { [jurisdiction]: async () => as(agents[jurisdiction]) },
      commercial: {
        get: async (submissionId, _version, j) => {
          const filing = filings.get(submissionId);
          return filing && JSON.stringify(filing.commercial[j]);
        },
      },
      onError: (error) => {
        throw error;
      },
    });

  async function fileDual(
    id: string,
    receivedIn: Jurisdiction,
    sign: (content: Uint8Array) => Promise<Uint8Array>,
  ) {
    const filing = await sampleDualFiling(id);
    filings.set(id, filing);
    const signed = await signDual(filing, receivedIn, sign);
    return as(agents[receivedIn]).submit('Declaration:FileDual', signed.args, signed.transient);
  }

  async function clearHk(id: string) {
    const hk = as('hkcustoms/officer1');
    for (const [tx, args] of [
      ['Accept', ['']],
      ['AssessRisk', ['LOW', '5', '']],
      ['MarkReleaseEligible', ['low risk']],
      ['Release', ['']],
    ] as const)
      await hk.submit(`Declaration:${tx}`, [id, ...args]);
  }
  async function clearGd(id: string) {
    const gd = as('gdcustoms/officer1');
    for (const [tx, args] of [
      ['Accept', ['']],
      ['AssessRisk', ['LOW', '5', '']],
      ['MarkReleaseEligible', ['low risk']],
      ['Release', ['']],
    ] as const)
      await gd.submit(`Declaration:${tx}`, [id, ...args]);
    await as('gdciq/inspector1').submit('Declaration:Release', [id, '']);
  }

  async function expectPair(id: string, receivedIn: Jurisdiction) {
    const hk = await get(`${id}-HK`);
    const gd = await get(`${id}-GD`);
    expect(hk.pair).toMatchObject({
      submissionId: id,
      receivedIn,
      other: { jurisdiction: 'GD', declarationId: `${id}-GD` },
    });
    expect(gd.pair).toMatchObject({
      submissionId: id,
      receivedIn,
      other: { jurisdiction: 'HK', declarationId: `${id}-HK` },
    });
    // One signature: the same content and signer on both halves.
    expect(gd.signature.contentSha256).toBe(hk.signature.contentSha256);
    expect(gd.signature.signerId).toBe(hk.signature.signerId);
    expect(hk.declaration).toMatchObject({ jurisdiction: 'HK', direction: 'EXPORT' });
    expect(gd.declaration).toMatchObject({ jurisdiction: 'GD', direction: 'IMPORT' });
    expect(gd.declaration.items).toEqual(hk.declaration.items);
    return { hk, gd };
  }

  it('an HK e-Cert (RSA) signer: filed at HK, the GD half filed by GD; each side clears its own', async () => {
    const id = `DUAL-${run}-RSA`;
    await fileDual(id, 'HK', (c) => pki.signers.hkTrader.sign(c));
    await expect(get(`${id}-GD`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Visible as half-made: GD's pending list names it.
    const pending = JSON.parse(
      await as(agents.GD).evaluate('Declaration:PendingHalves', ['GD']),
    ) as { submissionId: string }[];
    expect(pending.map((p) => p.submissionId)).toContain(id);
    expect(await otherSidePass('GD')).toBeGreaterThanOrEqual(1);
    expect(await otherSidePass('GD')).toBe(0); // idempotent: nothing left to file
    const { gd } = await expectPair(id, 'HK');
    expect(gd.signature).toMatchObject({ jurisdiction: 'HK', authorityId: pki.hk.authorityId });
    // GD's values in GD's own collection, as signed.
    const values = JSON.parse(
      await as('gdcustoms/officer1').evaluate('Declaration:GetCommercial', [`${id}-GD`, '']),
    ) as unknown;
    expect(values).toEqual(filings.get(id)?.commercial.GD);
    await clearHk(`${id}-HK`);
    await clearGd(`${id}-GD`);
    expect((await get(`${id}-HK`)).state).toBe('RELEASED');
    expect(Object.keys((await get(`${id}-HK`)).releases)).toEqual(['HKCustomsMSP']);
    const gdFinal = await get(`${id}-GD`);
    expect(gdFinal.state).toBe('RELEASED');
    expect(Object.keys(gdFinal.releases).sort()).toEqual(['GDCIQMSP', 'GDCustomsMSP']);
  }, 180_000);

  it('a GD SM2 signer: filed at GD, the HK half filed by HK; each side clears its own', async () => {
    const id = `DUAL-${run}-SM2`;
    await fileDual(id, 'GD', sm2Sign);
    // HK's node as across hosts: its gateway never saw the values; GD handed them over.
    const filed = await fileAllPendingHalves({
      agents: { HK: async () => as(agents.HK) },
      onError: (error) => {
        throw error;
      },
    });
    expect(filed).toBeGreaterThanOrEqual(1);
    const { hk } = await expectPair(id, 'GD');
    expect(
      JSON.parse(
        await as('hkcustoms/officer1').evaluate('Declaration:GetCommercial', [`${id}-HK`, '']),
      ),
    ).toEqual(filings.get(id)?.commercial.HK);
    expect(hk.signature).toMatchObject({
      jurisdiction: 'GD',
      authorityId: `GD-SM2-${run}`,
      signatureAlgorithm: 'SM3withSM2',
    });
    await clearGd(`${id}-GD`);
    await clearHk(`${id}-HK`);
    expect((await get(`${id}-GD`)).state).toBe('RELEASED');
    expect((await get(`${id}-HK`)).state).toBe('RELEASED');
  }, 180_000);

  it('refuses a signer recognised for GD only, naming HK, and records nothing on either side', async () => {
    for (const receivedIn of ['GD', 'HK'] as const) {
      const id = `DUAL-${run}-ONE-${receivedIn}`;
      const error = await refusal(fileDual(id, receivedIn, (c) => pki.signers.gdTrader.sign(c)));
      expect(error).toMatchObject({ code: 'CERTIFICATE_REJECTED' });
      expect(JSON.stringify(error)).toContain('NOT_RECOGNISED_FOR_HK');
      for (const half of ['GD', 'HK'])
        await expect(get(`${id}-${half}`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      for (const j of ['GD', 'HK'])
        await expect(
          as('gdcustoms/officer1').evaluate('Declaration:GetSubmission', [j, id]),
        ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
  }, 120_000);

  it('amending shared data re-signs both halves; a side’s own field amends that half only', async () => {
    const id = `DUAL-${run}-AMEND`;
    await fileDual(id, 'HK', (c) => pki.signers.hkTrader.sign(c));
    await otherSidePass('GD');
    const first = filings.get(id)!;
    // Shared data: one more package.
    const shared: DualFiling = {
      ...first,
      submission: {
        ...first.submission,
        shared: { ...first.submission.shared, packages: { count: 41, kind: 'CT' } },
      },
    };
    filings.set(id, shared);
    const signed = await signDual(shared, 'HK', (c) => pki.signers.hkTrader.sign(c));
    await as(agents.HK).submit('Declaration:AmendDual', signed.args, signed.transient);
    expect((await get(`${id}-HK`)).version).toBe(2);
    expect(await otherSidePass('GD')).toBeGreaterThanOrEqual(1);
    const { hk, gd } = await expectPair(id, 'HK');
    expect([hk.version, gd.version]).toEqual([2, 2]);
    expect(gd.declaration.packages.count).toBe(41);
    expect(gd.lastAct.action).toBe('AMEND');
    expect(gd.pair?.submissionVersion).toBe(2);
    const submission = SubmissionRecordSchema.parse(
      JSON.parse(await as('gdcustoms/officer1').evaluate('Declaration:GetSubmission', ['HK', id])),
    );
    expect(submission.version).toBe(2);
    expect(hk.signature.contentSha256).toBe(submission.signature.contentSha256);

    // HK's own field only (customs office): the HK half is amended, the GD half stays.
    const own: DualFiling = {
      ...shared,
      submission: await withHashes(
        {
          ...shared.submission,
          sides: {
            ...shared.submission.sides,
            HK: { ...shared.submission.sides.HK, customsOffice: 'MKT' },
          },
        },
        shared.commercial,
      ),
    };
    filings.set(id, own);
    const resigned = await signDual(own, 'HK', (c) => pki.signers.hkTrader.sign(c));
    await as(agents.HK).submit('Declaration:AmendDual', resigned.args, resigned.transient);
    await otherSidePass('GD');
    const hkAfter = await get(`${id}-HK`);
    expect(hkAfter.version).toBe(3);
    expect(hkAfter.declaration.customsOffice).toBe('MKT');
    const gdAfter = await get(`${id}-GD`);
    // GD's half unchanged: its version 2, as signed then; only its link follows the submission.
    expect(gdAfter.version).toBe(2);
    expect(gdAfter.signature.contentSha256).toBe(gd.signature.contentSha256);
    expect(gdAfter.lastAct.txId).toBe(gd.lastAct.txId);
    expect(gdAfter.pair?.submissionVersion).toBe(3);

    // GD's own fields only (customs office, and its values: a new invoice), amended where
    // it was received (HK): HK's half stays; GD's node amends GD's half from the ledger.
    const gdValues = { ...own.commercial.GD, invoiceNumber: 'INV-GD-2' };
    const gdOwn: DualFiling = {
      submission: await withHashes(
        {
          ...own.submission,
          sides: {
            ...own.submission.sides,
            GD: { ...own.submission.sides.GD, customsOffice: '5301' },
          },
        },
        { ...own.commercial, GD: gdValues },
      ),
      commercial: { ...own.commercial, GD: gdValues },
    };
    filings.set(id, gdOwn);
    const third = await signDual(gdOwn, 'HK', (c) => pki.signers.hkTrader.sign(c));
    await as(agents.HK).submit('Declaration:AmendDual', third.args, third.transient);
    const hkThird = await get(`${id}-HK`);
    expect([hkThird.version, hkThird.lastAct.txId]).toEqual([3, hkAfter.lastAct.txId]);
    expect(hkThird.pair?.submissionVersion).toBe(4);
    expect(await otherSidePass('GD')).toBeGreaterThanOrEqual(1);
    const gdThird = await get(`${id}-GD`);
    expect(gdThird.version).toBe(3);
    expect(gdThird.lastAct.action).toBe('AMEND');
    expect(gdThird.declaration.customsOffice).toBe('5301');
    expect(gdThird.pair?.submissionVersion).toBe(4);
    const fourth = SubmissionRecordSchema.parse(
      JSON.parse(await as('gdcustoms/officer1').evaluate('Declaration:GetSubmission', ['HK', id])),
    );
    expect(gdThird.signature.contentSha256).toBe(fourth.signature.contentSha256);
    expect(
      JSON.parse(
        await as('gdcustoms/officer1').evaluate('Declaration:GetCommercial', [`${id}-GD`, '']),
      ),
    ).toEqual(gdValues);
    // Settled where it was received (HK's worker): the index holds no entry for it any more.
    await as(agents.HK).submit('Declaration:SettleHalves', ['HK', JSON.stringify([id])]);
    const open = JSON.parse(await as(agents.HK).evaluate('Declaration:OpenHalves', ['HK'])) as {
      submissionId: string;
    }[];
    expect(open.map((o) => o.submissionId)).not.toContain(id);
  }, 180_000);

  it('with HK customs’ peer down GD receives its half; the HK half follows after the restart', async () => {
    const id = `DUAL-${run}-OUTAGE`;
    const pid = devnet.pidOf(HK_PEER);
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    await until('HK customs’ peer gone', 10_000, async () =>
      devnet.pidOf(HK_PEER) === undefined ? true : undefined,
    );
    await fileDual(id, 'GD', sm2Sign);
    const gd = await get(`${id}-GD`);
    expect(gd.pair?.other).toEqual({ jurisdiction: 'HK', declarationId: `${id}-HK` });
    await expect(get(`${id}-HK`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // GD's own work goes on.
    await as('gdcustoms/officer1').submit('Declaration:Accept', [`${id}-GD`, '']);

    await devnet.up();
    const admin = devnet.admin();
    const [gdOrg, hkOrg] = ['gdcustoms', 'hkcustoms'].map((k) =>
      PEER_ORGS.find((o) => o.key === k),
    );
    const height = await admin.channelHeight(gdOrg!);
    await until('HK customs’ peer level with GD customs’', 60_000, async () =>
      (await admin.channelHeight(hkOrg!)) >= height ? true : undefined,
    );
    await until('the HK half filed on catch-up', 60_000, async () =>
      (await otherSidePass('HK').catch(() => 0)) >= 1 ? true : undefined,
    );
    const pair = await expectPair(id, 'GD');
    expect(pair.hk.state).toBe('SUBMITTED');
    expect(pair.gd.state).toBe('ACCEPTED');
  }, 240_000);
});
