import { KeyEndorsementPolicy } from 'fabric-shim';
import {
  OFFICERS,
  addAuthorityChange,
  authorityInput,
  listAuthority,
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
import { EVENTS } from '@clearance/domain';
import { TrustListContract } from './trust-list';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

const newLedger = () => new MemoryLedger([new DeclarationContract(), new TrustListContract()]);

const propose = async (ledger: MemoryLedger, who: keyof typeof OFFICERS, change: string) =>
  JSON.parse(
    (await ledger.invokerFor(OFFICERS[who]).submit('TrustList:ProposeTrustChange', [change]))
      .result,
  ) as { proposalId: string; status: string };

const decide = (
  ledger: MemoryLedger,
  who: keyof typeof OFFICERS,
  decision: 'Approve' | 'Reject' | 'Withdraw',
  proposalId: string,
) =>
  ledger
    .invokerFor(OFFICERS[who])
    .submit(`TrustList:${decision}TrustChange`, [proposalId, `${decision} by ${who}`]);

const withdrawal = (authorityId: string) =>
  JSON.stringify({ change: 'WITHDRAW', authorityId, reason: 'key compromise' });

/** Lists GD (proposed by GD, approved by HK) and HK (proposed by HK, approved by GD). */
async function bothListed(ledger: MemoryLedger): Promise<void> {
  const gdAdmin = ledger.invokerFor(OFFICERS.gdTrustAdmin);
  const hkAdmin = ledger.invokerFor(OFFICERS.hkTrustAdmin);
  await listAuthority(gdAdmin, hkAdmin, pki.gd);
  await listAuthority(hkAdmin, gdAdmin, pki.hk);
}

const fileAs = async (ledger: MemoryLedger, id: string, signer: keyof TestPki['signers']) => {
  const jurisdiction = signer.startsWith('gd') ? 'GD' : 'HK';
  const signed = await signFiling(sampleFiling(id, jurisdiction), pki.signers[signer]);
  return ledger
    .invokerFor(jurisdiction === 'GD' ? OFFICERS.gdAgent : OFFICERS.hkAgent)
    .submit('Declaration:File', signed.args, signed.transient);
};

describe('TrustList contract: changes need both customs services', () => {
  it('lists an authority only once the other side approves, and puts the list under both customs services', async () => {
    const ledger = newLedger();
    const proposal = await propose(ledger, 'hkTrustAdmin', addAuthorityChange(pki.gd));
    expect(proposal).toMatchObject({
      status: 'PENDING',
      authorityId: pki.gd.authorityId,
      jurisdiction: 'GD',
      proposedBy: { mspId: 'HKCustomsMSP', role: 'trust-admin' },
      decidedBy: null,
    });
    expect(ledger.events.at(-1)?.name).toBe(EVENTS.TrustListChangeProposed);
    // Pending: nothing on the list, no filing verifies against it.
    const reader = ledger.invokerFor(OFFICERS.gdCustoms);
    expect(JSON.parse(await reader.evaluate('TrustList:ListAuthorities', []))).toEqual([]);
    await expect(fileAs(ledger, 'GD-PENDING', 'gdTrader')).rejects.toMatchObject({
      code: 'CERTIFICATE_REJECTED',
      reason: 'ISSUER_UNKNOWN',
    });
    const approved = await decide(ledger, 'gdTrustAdmin', 'Approve', proposal.proposalId);
    expect(JSON.parse(approved.result)).toMatchObject({
      status: 'APPROVED',
      decidedBy: { mspId: 'GDCustomsMSP', role: 'trust-admin' },
    });
    expect(approved.event?.name).toBe(EVENTS.TrustListChanged);
    expect(JSON.parse(approved.event?.payload ?? '{}')).toMatchObject({
      authorityId: pki.gd.authorityId,
      change: 'ADD',
      proposalId: proposal.proposalId,
    });
    const listed = JSON.parse(
      await reader.evaluate('TrustList:GetAuthority', [pki.gd.authorityId]),
    );
    expect(listed).toMatchObject({
      jurisdiction: 'GD',
      status: 'ACTIVE',
      crl: { revokedCount: 1 },
      updatedBy: { mspId: 'HKCustomsMSP', role: 'trust-admin' },
      approvedBy: { mspId: 'GDCustomsMSP', role: 'trust-admin' },
    });
    await expect(fileAs(ledger, 'GD-LISTED', 'gdTrader')).resolves.toBeDefined();
    const [metaKey] = [...ledger.validationParameters.keys()].filter((k) =>
      k.includes('trustlist'),
    );
    const orgs = new KeyEndorsementPolicy(
      ledger.validationParameters.get(metaKey as string),
    ).listOrgs();
    expect(orgs.sort()).toEqual(['GDCustomsMSP', 'HKCustomsMSP']);
  });

  it("lets no side change the other's traders alone: its own approval is FORBIDDEN, and so is anyone's but a trust admin", async () => {
    const ledger = newLedger();
    await bothListed(ledger);
    // GD's trust admin tries to withdraw HK's authority alone, and to list an impostor HK CA.
    const withdraw = await propose(ledger, 'gdTrustAdmin', withdrawal(pki.hk.authorityId));
    const impostor = await propose(ledger, 'gdTrustAdmin', addAuthorityChange(pki.impostor));
    const before = ledger.snapshot();
    for (const id of [withdraw.proposalId, impostor.proposalId]) {
      for (const who of [
        'gdTrustAdmin',
        'gdCustoms',
        'hkCustoms',
        'gdCiq',
        'sealOperator',
        'hkAgent',
      ] as const)
        await expect(decide(ledger, who, 'Approve', id)).rejects.toMatchObject({
          code: 'FORBIDDEN',
        });
    }
    expect(ledger.snapshot()).toEqual(before);
    // Meanwhile HK traders sign as before; the impostor's certificate is not accepted.
    await expect(fileAs(ledger, 'HK-STILL', 'hkTrader')).resolves.toBeDefined();
    const fake = await signFiling(
      sampleFiling('HK-FAKE', 'HK'),
      pki.impostors.sameNameOtherAuthority,
    );
    await expect(
      ledger.invokerFor(OFFICERS.hkAgent).submit('Declaration:File', fake.args, fake.transient),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_REJECTED' });
    // Proposals need a trust admin too.
    for (const who of ['gdCustoms', 'gdCiq', 'sealOperator', 'gdAgent'] as const)
      await expect(
        ledger
          .invokerFor(OFFICERS[who])
          .submit('TrustList:ProposeTrustChange', [addAuthorityChange(pki.rogue)]),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('withdraws an authority with both sides: HK proposes, GD approves; its signatures stop', async () => {
    const ledger = newLedger();
    await bothListed(ledger);
    await fileAs(ledger, 'HK-W1', 'hkTrader');
    const proposal = await propose(ledger, 'hkTrustAdmin', withdrawal(pki.hk.authorityId));
    await fileAs(ledger, 'HK-W2', 'hkTrader'); // pending: no effect
    await decide(ledger, 'gdTrustAdmin', 'Approve', proposal.proposalId);
    await expect(fileAs(ledger, 'HK-W3', 'hkTrader')).rejects.toMatchObject({
      code: 'CERTIFICATE_REJECTED',
      detail: `authority ${pki.hk.authorityId} is no longer recognised`,
    });
    // Decided once: approving, rejecting or withdrawing again is INVALID_STATE.
    await expect(
      decide(ledger, 'gdTrustAdmin', 'Approve', proposal.proposalId),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(
      decide(ledger, 'hkTrustAdmin', 'Withdraw', proposal.proposalId),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('lets the other side reject and the proposer withdraw; either closes the proposal for good', async () => {
    const ledger = newLedger();
    await bothListed(ledger);
    const rejected = await propose(ledger, 'gdTrustAdmin', withdrawal(pki.hk.authorityId));
    // The proposer cannot reject its own; the other side cannot withdraw it.
    await expect(
      decide(ledger, 'gdTrustAdmin', 'Reject', rejected.proposalId),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      decide(ledger, 'hkTrustAdmin', 'Withdraw', rejected.proposalId),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const refusal = await decide(ledger, 'hkTrustAdmin', 'Reject', rejected.proposalId);
    expect(refusal.event?.name).toBe(EVENTS.TrustListChangeRejected);
    await expect(
      decide(ledger, 'hkTrustAdmin', 'Approve', rejected.proposalId),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const withdrawn = await propose(ledger, 'gdTrustAdmin', withdrawal(pki.hk.authorityId));
    const taken = await decide(ledger, 'gdTrustAdmin', 'Withdraw', withdrawn.proposalId);
    expect(taken.event?.name).toBe(EVENTS.TrustListChangeWithdrawn);
    await expect(
      decide(ledger, 'hkTrustAdmin', 'Approve', withdrawn.proposalId),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const reader = ledger.invokerFor(OFFICERS.gdCustoms);
    expect(
      JSON.parse(await reader.evaluate('TrustList:GetAuthority', [pki.hk.authorityId])).status,
    ).toBe('ACTIVE');
    const all = JSON.parse(await reader.evaluate('TrustList:ListTrustChanges', [''])) as {
      status: string;
    }[];
    expect(all.map((p) => p.status)).toEqual(['APPROVED', 'APPROVED', 'REJECTED', 'WITHDRAWN']);
    expect(JSON.parse(await reader.evaluate('TrustList:ListTrustChanges', ['PENDING']))).toEqual(
      [],
    );
  });

  it('refuses bad changes when proposed, and checks them again when approved', async () => {
    const ledger = newLedger();
    await bothListed(ledger);
    const refused = (who: keyof typeof OFFICERS, change: unknown) =>
      ledger
        .invokerFor(OFFICERS[who])
        .submit('TrustList:ProposeTrustChange', [JSON.stringify(change)]);
    const gdInput = JSON.parse(authorityInput(pki.gd)) as Record<string, unknown>;
    await expect(
      refused('hkTrustAdmin', { change: 'ADD', authority: gdInput, reason: 'again' }),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(
      refused('hkTrustAdmin', {
        change: 'ADD',
        authority: {
          ...gdInput,
          authorityId: 'NOT-A-CA',
          caCertPem: pki.signers.hkTrader.certificatePem,
        },
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_REJECTED' });
    await expect(
      refused('hkTrustAdmin', {
        change: 'ADD',
        authority: { ...gdInput, authorityId: 'FOREIGN-CRL', crlPem: pki.hk.crlPem },
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_REJECTED' });
    await expect(refused('hkTrustAdmin', JSON.parse(withdrawal('NOPE')))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      refused('hkTrustAdmin', { change: 'ADD', authority: gdInput }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      refused('hkTrustAdmin', { change: 'REPLACE', authorityId: 'X', reason: 'x' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // Two withdrawals pending: the second approval finds the authority withdrawn already.
    const first = await propose(ledger, 'hkTrustAdmin', withdrawal(pki.hk.authorityId));
    const second = await propose(ledger, 'hkTrustAdmin', withdrawal(pki.hk.authorityId));
    await decide(ledger, 'gdTrustAdmin', 'Approve', first.proposalId);
    await expect(
      decide(ledger, 'gdTrustAdmin', 'Approve', second.proposalId),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(decide(ledger, 'gdTrustAdmin', 'Approve', 'f'.repeat(64))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(decide(ledger, 'gdTrustAdmin', 'Approve', 'no/pe')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('updates name, policies and CA list with both sides; a CRL signed by its CA is one step', async () => {
    const ledger = newLedger();
    await bothListed(ledger);
    const update = {
      change: 'UPDATE',
      authority: {
        authorityId: pki.hk.authorityId,
        name: 'Hongkong Post e-Cert (renamed)',
        acceptedPolicies: ['2.16.344.8.2.2008.810.2.2024'],
      },
      reason: 'policy narrowed',
    };
    const proposal = await propose(ledger, 'hkTrustAdmin', JSON.stringify(update));
    const reader = ledger.invokerFor(OFFICERS.gdCustoms);
    const get = async () =>
      JSON.parse(await reader.evaluate('TrustList:GetAuthority', [pki.hk.authorityId]));
    expect((await get()).name).toBe(`${pki.hk.authorityId} (test)`);
    await decide(ledger, 'gdTrustAdmin', 'Approve', proposal.proposalId);
    expect(await get()).toMatchObject({
      name: 'Hongkong Post e-Cert (renamed)',
      acceptedPolicies: ['2.16.344.8.2.2008.810.2.2024'],
      caCertPem: pki.hk.caPem,
    });
    // The HK authority's own CRL, by either side's trust admin, at once; an older one never.
    const admin = ledger.invokerFor(OFFICERS.gdTrustAdmin);
    await expect(
      admin.submit('TrustList:UpdateRevocationList', [pki.hk.authorityId, pki.hk.crlPem]),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      ledger
        .invokerFor(OFFICERS.gdCustoms)
        .submit('TrustList:UpdateRevocationList', [pki.hk.authorityId, pki.hk.crlPem]),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
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
      admin.submit('TrustList:ProposeTrustChange', [
        addAuthorityChange(
          JSON.stringify({
            ...input,
            caCertificatesPem: [toPem('CERTIFICATE', chains.hk.intermediate.der)],
          }),
        ),
      ]),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_REJECTED', reason: 'ISSUER_UNKNOWN' });
    await listAuthority(admin, ledger.invokerFor(OFFICERS.hkTrustAdmin), JSON.stringify(input));
    const added = JSON.parse(await admin.evaluate('TrustList:GetAuthority', ['GD-SM2-ROOT'])) as {
      caCertificates: { subject: string }[];
    };
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
