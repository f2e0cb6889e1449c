import { KeyEndorsementPolicy } from 'fabric-shim';
import {
  OFFICERS,
  authorityInput,
  sampleFiling,
  signFiling,
  MemoryLedger,
  createTestPki,
  type TestPki,
  createChainPki,
  type ChainPki,
  makeCrl,
  toPem,
  ACCEPTED_POLICIES,
} from '@clearance/testkit/chaincode';
import { canonicalBytes } from '@clearance/core';
import { DeclarationContract } from './declaration';
import { EVENTS } from '../domain/events';
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

  it('lists an SM2 root with its issuing CA, takes CRLs for both, and accepts the path', async () => {
    const chains: ChainPki = await createChainPki();
    const { gd } = chains;
    const ledger = newLedger();
    const admin = ledger.invokerFor(OFFICERS.gdTrustAdmin);
    const input = {
      authorityId: 'GD-SM2-ROOT',
      name: 'GD SM2 root (test)',
      jurisdiction: 'GD',
      caCertPem: toPem('CERTIFICATE', gd.root.der),
      acceptedPolicies: ACCEPTED_POLICIES.GD,
      crlPem: toPem('X509 CRL', gd.rootCrl),
      caCertificatesPem: [toPem('CERTIFICATE', gd.intermediate.der)],
    };
    // A CA the root did not issue cannot be listed under it.
    await expect(
      admin.submit('TrustList:AddAuthority', [
        JSON.stringify({
          ...input,
          caCertificatesPem: [toPem('CERTIFICATE', chains.hk.intermediate.der)],
        }),
      ]),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_REJECTED', reason: 'ISSUER_UNKNOWN' });
    const added = JSON.parse(
      (await admin.submit('TrustList:AddAuthority', [JSON.stringify(input)])).result,
    ) as { caCertificates: { subject: string }[] };
    expect(added.caCertificates.map((c) => c.subject)).toEqual([
      'CN=GD SM2 Test Issuing CA, O=Guangdong CA Test, C=CN',
    ]);
    const file = async (id: string) => {
      const filing = sampleFiling(id, 'GD');
      // The CMS carries neither the issuing CA nor its CRL: both come from the trust list.
      const cms = await gd.trader.sign(canonicalBytes(filing), { carry: false });
      return ledger
        .invokerFor(OFFICERS.gdAgent)
        .submit(
          'Declaration:File',
          [JSON.stringify(filing.declaration), Buffer.from(cms).toString('base64')],
          { commercial: JSON.stringify(filing.commercial) },
        );
    };
    await expect(file('GD-SM2-1')).rejects.toMatchObject({ reason: 'CRL_MISSING' });
    await admin.submit('TrustList:UpdateRevocationList', [
      'GD-SM2-ROOT',
      toPem('X509 CRL', gd.intermediateCrl),
    ]);
    const filed = JSON.parse((await file('GD-SM2-2')).result) as {
      signature: { authorityId: string; signatureAlgorithm: string; certificationPath: string[] };
    };
    expect(filed.signature).toMatchObject({
      authorityId: 'GD-SM2-ROOT',
      signatureAlgorithm: 'SM3withSM2',
    });
    expect(filed.signature.certificationPath).toHaveLength(3);

    // A newer CRL of the issuing CA that revokes the trader stops its next filing.
    const revoking = await makeCrl({
      issuer: gd.intermediate,
      thisUpdate: new Date(Date.now() - 1000),
      nextUpdate: new Date(Date.now() + 24 * 3600_000),
      revoked: [{ serial: gd.trader.leaf.serial, at: new Date(Date.now() - 1000) }],
    });
    await admin.submit('TrustList:UpdateRevocationList', [
      'GD-SM2-ROOT',
      toPem('X509 CRL', revoking),
    ]);
    await expect(file('GD-SM2-3')).rejects.toMatchObject({ reason: 'SIGNER_REVOKED' });
    // A CRL of a CA that is not listed under the authority is refused.
    await expect(
      admin.submit('TrustList:UpdateRevocationList', [
        'GD-SM2-ROOT',
        toPem('X509 CRL', chains.hk.intermediateCrl),
      ]),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_REJECTED', reason: 'CRL_SIGNATURE_INVALID' });
  }, 120_000);
});
