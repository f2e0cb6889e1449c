import { createTestPki, type TestPki } from '@clearance/testkit/chaincode';
import { canonicalBytes } from '@clearance/core';
import { verifyDetachedSignature } from './cms';
import { parseCertificate } from './x509';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

const filing = {
  declaration: { declarationId: 'D-1', note: '粵港' },
  commercial: { totalValue: '100.00' },
};
const content = canonicalBytes(filing);
const now = () => new Date();

describe('detached CMS signatures against the trust list', () => {
  it.each([
    ['hkTrader', 'HK', 'HK-TEST-ECERT', '2.16.344.8.2.2008.810.2.2024.1.1'],
    ['gdTrader', 'GD', 'GD-TEST-CA', '1.2.156.112562.9.1.1'],
  ] as const)(
    'accepts a %s signature and returns the evidence',
    async (who, jurisdiction, authorityId, policyOid) => {
      const signer = pki.signers[who];
      const cms = await signer.sign(content, new Date(Date.now() - 1000));
      const evidence = await verifyDetachedSignature(content, cms, pki.anchors(), now());
      expect(evidence).toMatchObject({ jurisdiction, authorityId, policyOid });
      expect(evidence.signerSubject).toContain('Pearl River Trading Ltd');
      expect(evidence.contentSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(evidence.signingTime).toBeDefined();
    },
  );

  it('tells authorities of the same name apart by their key identifiers', async () => {
    // Another PKI whose CAs carry the very same names, listed first: the signer's authority
    // key identifier points at its own CA, whose evidence is returned.
    const twin = await createTestPki({ idSuffix: 'TWIN' });
    const anchors = [...twin.anchors(), ...pki.anchors()];
    const signer = parseCertificate(pki.signers.gdTrader.certificate);
    const ca = parseCertificate(pki.gd.caCertificate);
    expect(signer.authorityKeyId).toEqual(ca.subjectKeyId);
    expect(parseCertificate(twin.gd.caCertificate).subjectKeyId).not.toEqual(ca.subjectKeyId);
    const cms = await pki.signers.gdTrader.sign(content);
    const evidence = await verifyDetachedSignature(content, cms, anchors, now());
    expect(evidence.authorityId).toBe(pki.gd.authorityId);
    const theirs = await twin.signers.gdTrader.sign(content);
    const twinEvidence = await verifyDetachedSignature(content, theirs, anchors, now());
    expect(twinEvidence.authorityId).toBe(twin.gd.authorityId);
  }, 60_000);

  it('refuses a declaration altered after signing', async () => {
    const cms = await pki.signers.hkTrader.sign(content);
    const altered = canonicalBytes({ ...filing, commercial: { totalValue: '1.00' } });
    await expect(verifyDetachedSignature(altered, cms, pki.anchors(), now())).rejects.toMatchObject(
      {
        code: 'SIGNATURE_INVALID',
        reason: 'CONTENT_MISMATCH',
        detail: 'the document does not match what was signed',
      },
    );
  });

  it('refuses a forged signature (signature bytes changed)', async () => {
    const cms = await pki.signers.hkTrader.sign(content);
    const forged = cms.slice();
    const i = forged.length - 5; // inside the signature value, the last field
    forged[i] = (forged[i] as number) ^ 0xff;
    await expect(
      verifyDetachedSignature(content, forged, pki.anchors(), now()),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      reason: 'SIGNATURE_MISMATCH',
      detail: 'the signature does not verify with the signer certificate',
    });
  });

  it('refuses bytes that are not CMS', async () => {
    await expect(
      verifyDetachedSignature(content, new Uint8Array([0x30, 0x03, 1, 2, 3]), pki.anchors(), now()),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID', reason: 'CMS_MALFORMED' });
  });

  it.each([
    ['expired', 'SIGNER_EXPIRED', /expired before/],
    ['notYetValid', 'SIGNER_NOT_YET_VALID', /not yet valid/],
    ['revoked', 'SIGNER_REVOKED', /was revoked on/],
    ['wrongPolicy', 'POLICY_NOT_ACCEPTED', /no certificate policy of the signer .* is among/],
    ['unrecognisedCa', 'ISSUER_UNKNOWN', /is not a recognised authority/],
    ['wrongKeyUsage', 'SIGNER_KEY_USAGE', /not for digital signatures/],
    ['selfSigned', 'SELF_SIGNED_SIGNER', /self-signed/],
  ] as const)('rejects the %s certificate (%s)', async (who, reason, detail) => {
    const cms = await pki.signers[who].sign(content);
    const error = await verifyDetachedSignature(content, cms, pki.anchors(), now()).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'CERTIFICATE_REJECTED', reason });
    expect((error as { detail: string }).detail).toMatch(detail);
  });

  it('rejects signers of an authority no longer recognised, or without a current CRL', async () => {
    const cms = await pki.signers.hkTrader.sign(content);
    const withdrawn = pki.anchors().map((a) => ({ ...a, active: false }));
    await expect(verifyDetachedSignature(content, cms, withdrawn, now())).rejects.toMatchObject({
      reason: 'AUTHORITY_WITHDRAWN',
      detail: 'authority HK-TEST-ECERT is no longer recognised',
    });
    const noCrl = pki.anchors().map((a) => ({ ...a, crl: undefined }));
    await expect(verifyDetachedSignature(content, cms, noCrl, now())).rejects.toMatchObject({
      reason: 'CRL_MISSING',
      detail: 'no revocation list for authority HK-TEST-ECERT',
    });
    const later = new Date(Date.now() + 30 * 24 * 3600_000); // after the CRL's nextUpdate
    await expect(verifyDetachedSignature(content, cms, pki.anchors(), later)).rejects.toMatchObject(
      {
        reason: 'CRL_NOT_CURRENT',
        detail: expect.stringMatching(/revocation list of HK-TEST-ECERT is not current/),
      },
    );
  });

  it('judges validity at the given (transaction) time, not the wall clock', async () => {
    const cms = await pki.signers.expired.sign(content);
    const whileValid = new Date(Date.now() - 10 * 24 * 3600_000);
    // The CRL is not yet issued at that time, so the refusal moves from expiry to revocation status.
    await expect(
      verifyDetachedSignature(content, cms, pki.anchors(), whileValid),
    ).rejects.toMatchObject({
      detail: expect.stringMatching(/revocation list .* is not current/),
    });
  });
});
