import { KeyEndorsementPolicy } from 'fabric-shim';
import { type DeclarationRecord, EVENTS } from '@clearance/domain';
import {
  OFFICERS,
  listAuthority,
  sampleFiling,
  signFiling,
  MemoryLedger,
  type ContractInvoker,
  createTestPki,
  type SignerCase,
  type TestAuthority,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { DeclarationContract } from './declaration';
import { TrustListContract } from './trust-list';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

/** On the list: proposed by GD customs' trust admin, approved by HK customs'. */
async function trust(ledger: MemoryLedger, authority: TestAuthority): Promise<void> {
  await listAuthority(
    ledger.invokerFor(OFFICERS.gdTrustAdmin),
    ledger.invokerFor(OFFICERS.hkTrustAdmin),
    authority,
  );
}

async function ledgerWithTrustList(): Promise<MemoryLedger> {
  const ledger = new MemoryLedger([new DeclarationContract(), new TrustListContract()]);
  await trust(ledger, pki.gd);
  await trust(ledger, pki.hk);
  return ledger;
}

const as = (ledger: MemoryLedger, who: keyof typeof OFFICERS): ContractInvoker =>
  ledger.invokerFor(OFFICERS[who]);

async function file(
  ledger: MemoryLedger,
  id: string,
  jurisdiction: 'GD' | 'HK' = 'GD',
  signer: SignerCase = 'gdTrader',
) {
  const signed = await signFiling(sampleFiling(id, jurisdiction), pki.signers[signer]);
  return as(ledger, jurisdiction === 'GD' ? 'gdAgent' : 'hkAgent').submit(
    'Declaration:File',
    signed.args,
    signed.transient,
  );
}

async function record(ledger: MemoryLedger, id: string): Promise<DeclarationRecord> {
  return JSON.parse(
    await as(ledger, 'gdCustoms').evaluate('Declaration:Get', [id]),
  ) as DeclarationRecord;
}

describe('Declaration contract: one declaration, one inspection, one release', () => {
  it('takes a GD import from filing through joint inspection and both releases to closed', async () => {
    const ledger = await ledgerWithTrustList();
    const filed = await file(ledger, 'GD-0001');
    const filedRecord = JSON.parse(filed.result) as DeclarationRecord;
    expect(filedRecord).toMatchObject({
      state: 'SUBMITTED',
      version: 1,
      jurisdiction: 'GD',
      hold: null,
    });
    expect(filedRecord.signature).toMatchObject({ jurisdiction: 'GD', authorityId: 'GD-TEST-CA' });
    expect(filed.event?.name).toBe(EVENTS.DeclarationFiled);

    const steps: [keyof typeof OFFICERS, string, string[], string, string][] = [
      ['gdCustoms', 'Accept', ['documents complete'], 'ACCEPTED', EVENTS.DeclarationAccepted],
      [
        'gdCustoms',
        'AssessRisk',
        ['HIGH', '72', 'new consignee'],
        'RISK_ASSESSED',
        EVENTS.RiskAssessed,
      ],
      [
        'gdCustoms',
        'OrderInspection',
        ['random and risk'],
        'INSPECTION_ORDERED',
        EVENTS.InspectionOrdered,
      ],
      [
        'gdCustoms',
        'RecordInspection',
        ['COMPLIANT', 'seal intact, count matches'],
        'INSPECTION_ORDERED',
        EVENTS.InspectionRecorded,
      ],
      [
        'gdCiq',
        'RecordInspection',
        ['COMPLIANT', 'no quarantine pests'],
        'INSPECTED',
        EVENTS.InspectionRecorded,
      ],
      ['gdCustoms', 'Release', ['duties paid'], 'INSPECTED', EVENTS.DeclarationReleased],
      ['gdCiq', 'Release', ['inspection passed'], 'RELEASED', EVENTS.DeclarationReleased],
      ['gdCustoms', 'Close', ['goods arrived'], 'CLOSED', EVENTS.DeclarationClosed],
    ];
    for (const [who, tx, args, state, event] of steps) {
      const res = await as(ledger, who).submit(`Declaration:${tx}`, ['GD-0001', ...args]);
      expect([tx, (JSON.parse(res.result) as DeclarationRecord).state, res.event?.name]).toEqual([
        tx,
        state,
        event,
      ]);
    }

    const final = await record(ledger, 'GD-0001');
    expect(Object.keys(final.inspection).sort()).toEqual(['GDCIQMSP', 'GDCustomsMSP']);
    expect(Object.keys(final.releases).sort()).toEqual(['GDCIQMSP', 'GDCustomsMSP']);
    expect(final.risk).toEqual({ level: 'HIGH', score: 72 });

    const history = JSON.parse(
      await as(ledger, 'gdCustoms').evaluate('Declaration:GetHistory', ['GD-0001']),
    ) as {
      action: string;
      actor: { mspId: string };
      txId: string;
    }[];
    expect(history.map((h) => `${h.action}:${h.actor.mspId}`)).toEqual([
      'FILE:GDCustomsMSP',
      'ACCEPT:GDCustomsMSP',
      'ASSESS_RISK:GDCustomsMSP',
      'ORDER_INSPECTION:GDCustomsMSP',
      'RECORD_INSPECTION:GDCustomsMSP',
      'RECORD_INSPECTION:GDCIQMSP',
      'RELEASE:GDCustomsMSP',
      'RELEASE:GDCIQMSP',
      'CLOSE:GDCustomsMSP',
    ]);
    expect(new Set(history.map((h) => h.txId)).size).toBe(9);
  });

  it('puts the release key under a key-level policy of both GD agencies, and HK under HK customs alone', async () => {
    const ledger = await ledgerWithTrustList();
    await file(ledger, 'GD-SBE');
    await file(ledger, 'HK-SBE', 'HK', 'hkTrader');
    const orgsOf = (id: string): string[] => {
      const key = [...ledger.validationParameters.keys()].find(
        (k) => k.includes('release') && k.includes(id),
      );
      return new KeyEndorsementPolicy(ledger.validationParameters.get(key as string))
        .listOrgs()
        .sort();
    };
    expect(orgsOf('GD-SBE')).toEqual(['GDCIQMSP', 'GDCustomsMSP']);
    expect(orgsOf('HK-SBE')).toEqual(['HKCustomsMSP']);
  });

  it('keeps commercial values off the channel: private data, with only their hash in the record', async () => {
    const ledger = await ledgerWithTrustList();
    const filed = JSON.parse((await file(ledger, 'GD-PRIV')).result) as DeclarationRecord;
    expect(JSON.stringify(filed)).not.toContain('405788.20');
    expect(filed.commercialSha256).toMatch(/^[0-9a-f]{64}$/);
    const values = JSON.parse(
      await as(ledger, 'gdCiq').evaluate('Declaration:GetCommercial', ['GD-PRIV', '']),
    ) as {
      totalValue: string;
    };
    expect(values.totalValue).toBe('405788.20');
    await expect(
      as(ledger, 'sealOperator').evaluate('Declaration:GetCommercial', ['GD-PRIV', '']),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('holds non-compliant goods once the joint inspection is complete, and unholds them', async () => {
    const ledger = await ledgerWithTrustList();
    await file(ledger, 'GD-HOLD');
    await as(ledger, 'gdCustoms').submit('Declaration:Accept', ['GD-HOLD', '']);
    await as(ledger, 'gdCustoms').submit('Declaration:AssessRisk', ['GD-HOLD', 'MEDIUM', '40', '']);
    await as(ledger, 'gdCustoms').submit('Declaration:OrderInspection', ['GD-HOLD', '']);
    await as(ledger, 'gdCustoms').submit('Declaration:RecordInspection', [
      'GD-HOLD',
      'COMPLIANT',
      'ok',
    ]);
    const held = await as(ledger, 'gdCiq').submit('Declaration:RecordInspection', [
      'GD-HOLD',
      'NON_COMPLIANT',
      'pests',
    ]);
    expect(JSON.parse(held.result)).toMatchObject({
      state: 'INSPECTED',
      hold: { action: 'RECORD_INSPECTION' },
    });
    await expect(
      as(ledger, 'gdCustoms').submit('Declaration:Release', ['GD-HOLD', '']),
    ).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    const unheld = await as(ledger, 'gdCiq').submit('Declaration:Unhold', ['GD-HOLD', 'fumigated']);
    expect(JSON.parse(unheld.result)).toMatchObject({ state: 'INSPECTED', hold: null });
  });

  it('links the HK export and the GD import of one consignment', async () => {
    const ledger = await ledgerWithTrustList();
    await file(ledger, 'GD-LINK');
    await file(ledger, 'HK-LINK', 'HK', 'hkTrader');
    const linked = JSON.parse(
      await as(ledger, 'hkCustoms').evaluate('Declaration:ListByConsignment', [
        'UCR-2026-HKSZ-0001',
      ]),
    ) as DeclarationRecord[];
    expect(linked.map((d) => [d.declarationId, d.jurisdiction]).sort()).toEqual([
      ['GD-LINK', 'GD'],
      ['HK-LINK', 'HK'],
    ]);
    expect(
      JSON.parse(
        await as(ledger, 'hkCustoms').evaluate('Declaration:ListByConsignment', ['UCR-NONE']),
      ),
    ).toEqual([]);
  });

  it('amends into a new signed version that must be accepted again', async () => {
    const ledger = await ledgerWithTrustList();
    await file(ledger, 'GD-AMEND');
    await as(ledger, 'gdCustoms').submit('Declaration:Accept', ['GD-AMEND', '']);
    const filing = sampleFiling('GD-AMEND');
    filing.declaration.packages.count = 41;
    const signed = await signFiling(filing, pki.signers.gdTrader);
    const amended = JSON.parse(
      (await as(ledger, 'gdAgent').submit('Declaration:Amend', signed.args, signed.transient))
        .result,
    );
    expect(amended).toMatchObject({
      version: 2,
      state: 'SUBMITTED',
      declaration: { packages: { count: 41 } },
    });
    expect(amended.signature.signerId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets only the declarant amend: another trader, or one of the same name under another authority, is FORBIDDEN', async () => {
    const ledger = await ledgerWithTrustList();
    await trust(ledger, pki.impostor);
    await file(ledger, 'HK-OWNER', 'HK', 'hkTrader');
    const filing = sampleFiling('HK-OWNER', 'HK');
    filing.declaration.packages.count = 7;
    for (const signer of [
      pki.signers.gdTrader,
      pki.impostors.sameNameOtherAuthority,
      pki.impostors.commaInCommonName,
    ]) {
      const before = ledger.snapshot();
      const signed = await signFiling(filing, signer);
      await expect(
        as(ledger, 'hkAgent').submit('Declaration:Amend', signed.args, signed.transient),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(ledger.snapshot()).toEqual(before);
    }
    const own = await signFiling(filing, pki.signers.hkTrader);
    await expect(
      as(ledger, 'hkAgent').submit('Declaration:Amend', own.args, own.transient),
    ).resolves.toBeDefined();
  });
});

describe('Declaration contract: bad input changes nothing', () => {
  let ledger: MemoryLedger;
  beforeAll(async () => {
    ledger = await ledgerWithTrustList();
    await file(ledger, 'GD-BAD');
  });

  async function expectRefused(
    attempt: Promise<unknown>,
    code: string,
    detail?: RegExp,
  ): Promise<void> {
    const before = ledger.snapshot();
    const events = ledger.events.length;
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    if (detail) expect((error as { detail: string }).detail).toMatch(detail);
    expect(ledger.snapshot()).toEqual(before);
    expect(ledger.events.length).toBe(events);
  }

  it.each([
    ['expired', /expired/],
    ['notYetValid', /not yet valid/],
    ['revoked', /revoked/],
    ['wrongPolicy', /policy/],
    ['unrecognisedCa', /not a recognised authority/],
    ['wrongKeyUsage', /key usage/],
    ['selfSigned', /self-signed/],
  ] as const)(
    'a filing signed with the %s certificate: CERTIFICATE_REJECTED',
    async (who, detail) => {
      await expectRefused(file(ledger, `GD-${who}`, 'GD', who), 'CERTIFICATE_REJECTED', detail);
    },
  );

  it('a forged signature and a declaration altered after signing: SIGNATURE_INVALID', async () => {
    const signed = await signFiling(sampleFiling('GD-FORGED'), pki.signers.gdTrader);
    const cms = Buffer.from(signed.args[1], 'base64');
    cms.writeUInt8(cms.readUInt8(cms.length - 3) ^ 0x55, cms.length - 3);
    await expectRefused(
      as(ledger, 'gdAgent').submit(
        'Declaration:File',
        [signed.args[0], cms.toString('base64')],
        signed.transient,
      ),
      'SIGNATURE_INVALID',
    );
    const altered = JSON.parse(signed.args[0]);
    altered.items[0].quantity = 1;
    await expectRefused(
      as(ledger, 'gdAgent').submit(
        'Declaration:File',
        [JSON.stringify(altered), signed.args[1]],
        signed.transient,
      ),
      'SIGNATURE_INVALID',
      /does not match what was signed/,
    );
    await expectRefused(
      as(ledger, 'gdAgent').submit('Declaration:File', signed.args, {
        commercial: JSON.stringify({ ...sampleFiling('x').commercial, invoiceNumber: 'INV-FAKE' }),
      }),
      'SIGNATURE_INVALID',
    );
  });

  it('wrong role, wrong org, wrong state, duplicate id: coded errors', async () => {
    await expectRefused(
      as(ledger, 'gdCiq').submit('Declaration:Accept', ['GD-BAD', '']),
      'FORBIDDEN',
    );
    await expectRefused(
      as(ledger, 'hkCustoms').submit('Declaration:Accept', ['GD-BAD', '']),
      'FORBIDDEN',
    );
    await expectRefused(
      as(ledger, 'sealOperator').submit('Declaration:Release', ['GD-BAD', '']),
      'FORBIDDEN',
    );
    await expectRefused(
      as(ledger, 'gdCustoms').submit('Declaration:Release', ['GD-BAD', '']),
      'INVALID_STATE',
    );
    await expectRefused(
      as(ledger, 'gdCustoms').submit('Declaration:Close', ['GD-BAD', '']),
      'INVALID_STATE',
    );
    await expectRefused(file(ledger, 'GD-BAD'), 'ALREADY_EXISTS');
    const signed = await signFiling(sampleFiling('GD-ROLE'), pki.signers.gdTrader);
    await expectRefused(
      as(ledger, 'gdCustoms').submit('Declaration:File', signed.args, signed.transient),
      'FORBIDDEN',
    );
  });

  it('malformed and oversized arguments: INVALID_ARGUMENT', async () => {
    const signed = await signFiling(sampleFiling('GD-MAL'), pki.signers.gdTrader);
    const agent = as(ledger, 'gdAgent');
    await expectRefused(
      agent.submit('Declaration:File', ['{not json', signed.args[1]], signed.transient),
      'INVALID_ARGUMENT',
    );
    await expectRefused(
      agent.submit('Declaration:File', signed.args, {}),
      'INVALID_ARGUMENT',
      /transient/,
    );
    await expectRefused(
      agent.submit('Declaration:File', ['x'.repeat(300 * 1024), signed.args[1]], signed.transient),
      'INVALID_ARGUMENT',
      /larger than/,
    );
    await expectRefused(
      agent.submit('Declaration:File', [signed.args[0], '***'], signed.transient),
      'INVALID_ARGUMENT',
      /base64/,
    );
    const bad = sampleFiling('GD-CODES');
    const broken = {
      ...bad.declaration,
      currency: 'XYZ',
      items: [{ ...bad.declaration.items[0], hsCode: '8542' }],
      containers: [{ number: 'CSQU3054384', sealNumbers: [] }],
    };
    const error = await agent
      .submit('Declaration:File', [JSON.stringify(broken), signed.args[1]], signed.transient)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((error as { detail: string }).detail).toMatch(/currency.*ISO 4217/);
    expect((error as { detail: string }).detail).toMatch(/hsCode/);
    expect((error as { detail: string }).detail).toMatch(/ISO 6346/);
    await expectRefused(
      as(ledger, 'gdCustoms').submit('Declaration:AssessRisk', ['GD-BAD', 'EXTREME', '5', '']),
      'INVALID_ARGUMENT',
    );
    await expectRefused(
      as(ledger, 'gdCustoms').submit('Declaration:Reject', ['GD-BAD', '  ']),
      'INVALID_ARGUMENT',
      /reason/,
    );
    await expectRefused(
      as(ledger, 'gdCustoms').submit('Declaration:Accept', ['NOPE', '']),
      'NOT_FOUND',
    );
  });
});
