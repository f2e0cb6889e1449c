/**
 * One package under three definitions: each contract refuses an act proposed to a namespace
 * it does not belong to, coded (FORBIDDEN, WRONG_NAMESPACE), and reads across namespaces by
 * chaincode-to-chaincode calls inside the transaction.
 */
import {
  OFFICERS,
  listAuthority,
  sampleFiling,
  signFiling,
  MemoryLedger,
  createTestPki,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { LedgerError } from '@clearance/domain';
import { WRONG_NAMESPACE } from '@clearance/domain';
import { DeclarationContract } from './declaration';
import { TrustListContract } from './trust-list';
import { SealContract } from './seal';
import { CrossingContract } from './crossing';
import { SelfCheckContract } from './self-check';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

async function ledgerWithTrustList(): Promise<MemoryLedger> {
  const ledger = new MemoryLedger([
    new DeclarationContract(),
    new TrustListContract(),
    new SealContract(),
    new CrossingContract(),
  ]);
  for (const authority of [pki.gd, pki.hk])
    await listAuthority(
      ledger.invokerFor(OFFICERS.gdTrustAdmin),
      ledger.invokerFor(OFFICERS.hkTrustAdmin),
      authority,
    );
  return ledger;
}

async function refusal(run: () => Promise<unknown>): Promise<LedgerError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
  throw new Error('not refused');
}

async function filing(id: string, jurisdiction: 'GD' | 'HK') {
  return signFiling(
    sampleFiling(id, jurisdiction),
    pki.signers[jurisdiction === 'GD' ? 'gdTrader' : 'hkTrader'],
  );
}

describe('namespaces: each act only in its own', () => {
  it('refuses a GD declaration filed in HK customs’ namespace or the joint one, writing nothing', async () => {
    const ledger = await ledgerWithTrustList();
    const before = ledger.size;
    const signed = await filing('GD-NS-1', 'GD');
    for (const namespace of ['clearance-hk', 'clearance']) {
      const error = await refusal(() =>
        ledger
          .invokerFor(OFFICERS.hkAgent)
          .submit('Declaration:File', signed.args, signed.transient, { namespace }),
      );
      expect(error.code).toBe('FORBIDDEN');
      expect(error.reason).toBe(WRONG_NAMESPACE);
    }
    expect(ledger.size).toBe(before);
  });

  it('files a GD declaration in clearance-gd, its values in the GD collection only, after reading the joint trust list', async () => {
    const ledger = await ledgerWithTrustList();
    const signed = await filing('GD-NS-2', 'GD');
    await ledger
      .invokerFor(OFFICERS.gdAgent)
      .submit('Declaration:File', signed.args, signed.transient, { namespace: 'clearance-gd' });
    const gdKeys = [...ledger.snapshot('clearance-gd').keys()];
    expect(gdKeys.some((k) => k.includes('GD-NS-2'))).toBe(true);
    expect([...ledger.snapshot('clearance-hk').keys()].some((k) => k.includes('GD-NS-2'))).toBe(
      false,
    );
    expect([...ledger.snapshot('clearance').keys()].some((k) => k.includes('GD-NS-2'))).toBe(false);
    const values = await ledger
      .invokerFor(OFFICERS.gdCiq)
      .evaluate('Declaration:GetCommercial', ['GD-NS-2', '']);
    expect(JSON.parse(values)).toMatchObject({ invoiceNumber: expect.any(String) });
  });

  it('shares a GD declaration’s values with HK customs only by GD customs’ recorded act, in GD’s namespace', async () => {
    const ledger = await ledgerWithTrustList();
    const signed = await filing('GD-NS-SHARE', 'GD');
    await ledger
      .invokerFor(OFFICERS.gdAgent)
      .submit('Declaration:File', signed.args, signed.transient, { namespace: 'clearance-gd' });
    const hkReads = () =>
      ledger
        .invokerFor(OFFICERS.hkCustoms)
        .evaluate('Declaration:GetCommercial', ['GD-NS-SHARE', '']);
    expect((await refusal(hkReads)).code).toBe('NOT_FOUND');
    const share = JSON.stringify({ to: 'HK', reason: 'valuation query' });
    for (const [who, namespace, code] of [
      [OFFICERS.hkCustoms, 'clearance-gd', 'FORBIDDEN'],
      [OFFICERS.gdCiq, 'clearance-gd', 'FORBIDDEN'],
      [OFFICERS.gdCustoms, 'clearance-hk', 'NOT_FOUND'],
      [OFFICERS.gdCustoms, 'clearance', 'NOT_FOUND'],
    ] as const) {
      const error = await refusal(() =>
        ledger
          .invokerFor(who)
          .submit('Declaration:ShareCommercial', ['GD-NS-SHARE', share], {}, { namespace }),
      );
      expect({ who: who.mspId, namespace, code: error.code }).toEqual({
        who: who.mspId,
        namespace,
        code,
      });
    }
    const toSelf = await refusal(() =>
      ledger
        .invokerFor(OFFICERS.gdCustoms)
        .submit('Declaration:ShareCommercial', [
          'GD-NS-SHARE',
          JSON.stringify({ to: 'GD', reason: 'x' }),
        ]),
    );
    expect(toSelf.code).toBe('INVALID_ARGUMENT');
    expect((await refusal(hkReads)).code).toBe('NOT_FOUND');

    const shared = await ledger
      .invokerFor(OFFICERS.gdCustoms)
      .submit(
        'Declaration:ShareCommercial',
        ['GD-NS-SHARE', share],
        {},
        { namespace: 'clearance-gd' },
      );
    const recorded = JSON.parse(shared.result);
    // Recorded with its own event, which names no value.
    expect(shared.event?.name).toBe('CommercialValuesShared');
    expect(recorded).toMatchObject({
      declarationId: 'GD-NS-SHARE',
      version: 1,
      from: 'GD',
      to: 'HK',
      reason: 'valuation query',
      sharedBy: { mspId: 'GDCustomsMSP', role: 'customs-officer' },
      valuesSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const own = await ledger
      .invokerFor(OFFICERS.gdCiq)
      .evaluate('Declaration:GetCommercial', ['GD-NS-SHARE', '']);
    expect(JSON.parse(await hkReads())).toEqual(JSON.parse(own));
    // Shared with HK customs' officers, not with its filing agent.
    const byAgent = await refusal(() =>
      ledger
        .invokerFor(OFFICERS.hkAgent)
        .evaluate('Declaration:GetCommercial', ['GD-NS-SHARE', '']),
    );
    expect(byAgent.code).toBe('FORBIDDEN');
    const listed = JSON.parse(
      await ledger
        .invokerFor(OFFICERS.hkCustoms)
        .evaluate('Declaration:ListCommercialShares', ['GD-NS-SHARE']),
    );
    expect(listed).toEqual([recorded]);
  });

  it('refuses an officer’s act on a GD declaration proposed to HK’s namespace', async () => {
    const ledger = await ledgerWithTrustList();
    const signed = await filing('GD-NS-3', 'GD');
    await ledger
      .invokerFor(OFFICERS.gdAgent)
      .submit('Declaration:File', signed.args, signed.transient);
    // HK's namespace does not hold it: nothing to act on there.
    const elsewhere = await refusal(() =>
      ledger
        .invokerFor(OFFICERS.gdCustoms)
        .submit('Declaration:Accept', ['GD-NS-3', 'ok'], {}, { namespace: 'clearance-hk' }),
    );
    expect(elsewhere.code).toBe('NOT_FOUND');
    const accepted = await ledger
      .invokerFor(OFFICERS.gdCustoms)
      .submit('Declaration:Accept', ['GD-NS-3', 'ok']);
    expect(JSON.parse(accepted.result)).toMatchObject({ state: 'ACCEPTED' });
  });

  it('refuses an id the other jurisdiction already uses (one id, one declaration)', async () => {
    const ledger = await ledgerWithTrustList();
    const hk = await filing('SAME-ID', 'HK');
    await ledger.invokerFor(OFFICERS.hkAgent).submit('Declaration:File', hk.args, hk.transient);
    const gd = await filing('SAME-ID', 'GD');
    const error = await refusal(() =>
      ledger.invokerFor(OFFICERS.gdAgent).submit('Declaration:File', gd.args, gd.transient),
    );
    expect(error.code).toBe('ALREADY_EXISTS');
  });

  it('keeps joint acts in the joint namespace', async () => {
    const ledger = await ledgerWithTrustList();
    for (const namespace of ['clearance-gd', 'clearance-hk']) {
      const error = await refusal(() =>
        ledger
          .invokerFor(OFFICERS.gdTrustAdmin)
          .submit('TrustList:ProposeTrustChange', ['{}'], {}, { namespace }),
      );
      expect(error.reason).toBe(WRONG_NAMESPACE);
      const seal = await refusal(() =>
        ledger
          .invokerFor(OFFICERS.sealOperator)
          .submit('Seal:RegisterDevice', ['{}'], {}, { namespace }),
      );
      expect(seal.reason).toBe(WRONG_NAMESPACE);
    }
  });

  it('takes SaveFromJoint only from the joint namespace, for a declaration it holds', async () => {
    const ledger = await ledgerWithTrustList();
    const signed = await filing('GD-NS-4', 'GD');
    const filed = await ledger
      .invokerFor(OFFICERS.gdAgent)
      .submit('Declaration:File', signed.args, signed.transient);
    const forged = JSON.stringify({ ...JSON.parse(filed.result), state: 'RELEASED' });
    const direct = await refusal(() =>
      ledger
        .invokerFor(OFFICERS.gdCustoms)
        .submit('Declaration:SaveFromJoint', [forged], {}, { namespace: 'clearance-gd' }),
    );
    expect(direct.reason).toBe(WRONG_NAMESPACE);
    // Proposed to the joint namespace it runs there, where no declaration lives.
    const joint = await refusal(() =>
      ledger
        .invokerFor(OFFICERS.gdCustoms)
        .submit('Declaration:SaveFromJoint', [forged], {}, { namespace: 'clearance' }),
    );
    expect(joint.code).toBe('NOT_FOUND');
  });

  it("records a self-check in the asker's own namespace, and anyone reads it back by id", async () => {
    const ledger = new MemoryLedger([new SelfCheckContract()]);
    await ledger.invokerFor(OFFICERS.hkCustoms).submit('SelfCheck:Record', ['hk-check', 'probe']);
    expect([...ledger.snapshot('clearance-hk').keys()].some((k) => k.includes('hk-check'))).toBe(
      true,
    );
    // A gateway reads it under its own identity, whose home is another namespace.
    const read = await ledger
      .invokerFor(OFFICERS.gdCustoms)
      .evaluate('SelfCheck:Get', ['hk-check']);
    expect(JSON.parse(read)).toMatchObject({
      checkId: 'hk-check',
      recordedBy: { mspId: 'HKCustomsMSP' },
    });
  });
});
