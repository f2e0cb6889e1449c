import { KeyEndorsementPolicy } from 'fabric-shim';
import { OFFICERS, authorityInput, sampleFiling, signFiling } from '../testing/fixtures';
import { MemoryLedger } from '../testing/memory-ledger';
import { createTestPki, type TestPki } from '../testing/test-pki';
import { DeclarationContract } from './declaration';
import { EVENTS } from './events';
import { TrustListContract } from './trust-list';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

const newLedger = () => new MemoryLedger([new DeclarationContract(), new TrustListContract()]);

describe('TrustList contract', () => {
  it('lists an authority with its CRL summary and puts the list under both customs services', async () => {
    const ledger = newLedger();
    const added = await ledger
      .invokerFor(OFFICERS.hkTrustAdmin)
      .submit('TrustList:AddAuthority', [authorityInput(pki.gd)]);
    expect(JSON.parse(added.result)).toMatchObject({
      authorityId: 'GD-TEST-CA',
      jurisdiction: 'GD',
      status: 'ACTIVE',
      crl: { revokedCount: 1 },
      updatedBy: { mspId: 'HKCustomsMSP', role: 'trust-admin' },
    });
    expect(added.event?.name).toBe(EVENTS.TrustListChanged);
    const [metaKey] = [...ledger.validationParameters.keys()].filter((k) =>
      k.includes('trustlist'),
    );
    const orgs = new KeyEndorsementPolicy(
      ledger.validationParameters.get(metaKey as string),
    ).listOrgs();
    expect(orgs.sort()).toEqual(['GDCustomsMSP', 'HKCustomsMSP']);
  });

  it('refuses changes by anyone but a customs trust administrator, duplicates and non-CA certificates', async () => {
    const ledger = newLedger();
    for (const who of ['gdCustoms', 'gdCiq', 'sealOperator', 'gdAgent'] as const) {
      await expect(
        ledger.invokerFor(OFFICERS[who]).submit('TrustList:AddAuthority', [authorityInput(pki.hk)]),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    const admin = ledger.invokerFor(OFFICERS.gdTrustAdmin);
    await admin.submit('TrustList:AddAuthority', [authorityInput(pki.hk)]);
    await expect(
      admin.submit('TrustList:AddAuthority', [authorityInput(pki.hk)]),
    ).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    const notCa = {
      ...JSON.parse(authorityInput(pki.gd)),
      caCertPem: pki.signers.hkTrader.certificatePem,
    };
    await expect(
      admin.submit('TrustList:AddAuthority', [JSON.stringify(notCa)]),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_REJECTED',
    });
    const foreignCrl = { ...JSON.parse(authorityInput(pki.gd)), crlPem: pki.hk.crlPem };
    await expect(
      admin.submit('TrustList:AddAuthority', [JSON.stringify(foreignCrl)]),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_REJECTED',
    });
    await expect(
      admin.submit('TrustList:UpdateRevocationList', [pki.hk.authorityId, pki.hk.crlPem]),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('stops accepting signatures of a withdrawn authority', async () => {
    const ledger = newLedger();
    const admin = ledger.invokerFor(OFFICERS.gdTrustAdmin);
    await admin.submit('TrustList:AddAuthority', [authorityInput(pki.hk)]);
    const first = await signFiling(sampleFiling('HK-W1', 'HK'), pki.signers.hkTrader);
    await ledger
      .invokerFor(OFFICERS.hkAgent)
      .submit('Declaration:File', first.args, first.transient);
    await admin.submit('TrustList:WithdrawAuthority', [pki.hk.authorityId, 'key compromise']);
    const second = await signFiling(sampleFiling('HK-W2', 'HK'), pki.signers.hkTrader);
    await expect(
      ledger.invokerFor(OFFICERS.hkAgent).submit('Declaration:File', second.args, second.transient),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_REJECTED',
      detail: `authority ${pki.hk.authorityId} is no longer recognised`,
    });
  });
});
