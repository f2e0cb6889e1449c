/**
 * A signer is identified by the authority that validated the path (its id and key) and the
 * certificate's DER names: another authority with the real CA's name, or a one-RDN CN that
 * spells a multi-RDN name, never yields the real trader's id; a renewed certificate does.
 */
import { createTestPki, type TestPki } from '@clearance/testkit/chaincode';
import { canonicalBytes } from '@clearance/core';
import { verifyDetachedSignature } from './cms';
import { parseCertificate } from './x509';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki({ idSuffix: 'SIGNER-ID' });
}, 60_000);

const content = canonicalBytes({ declaration: { declarationId: 'D-ID-1' } });

describe('signer ids', () => {
  it('differ for the same subject and issuer text under an impostor authority', async () => {
    const anchors = [...pki.anchors(), pki.anchor(pki.impostor)];
    const real = await verifyDetachedSignature(
      content,
      await pki.signers.hkTrader.sign(content),
      anchors,
      new Date(),
    );
    const fake = await verifyDetachedSignature(
      content,
      await pki.impostors.sameNameOtherAuthority.sign(content),
      anchors,
      new Date(),
    );
    // Names alike, down to the byte: only the authority tells them apart.
    expect(fake.signerSubject).toBe(real.signerSubject);
    expect(fake.issuer).toBe(real.issuer);
    expect(fake.authorityId).toBe(pki.impostor.authorityId);
    expect(real.signerId).toMatch(/^[0-9a-f]{64}$/);
    expect(fake.signerId).toMatch(/^[0-9a-f]{64}$/);
    expect(fake.signerId).not.toBe(real.signerId);
  });

  it('differ for the same authority id listed with another key', async () => {
    const relisted = { ...pki.anchor(pki.impostor), authorityId: pki.hk.authorityId };
    const real = await verifyDetachedSignature(
      content,
      await pki.signers.hkTrader.sign(content),
      pki.anchors(),
      new Date(),
    );
    const fake = await verifyDetachedSignature(
      content,
      await pki.impostors.sameNameOtherAuthority.sign(content),
      [relisted],
      new Date(),
    );
    expect(fake.authorityId).toBe(real.authorityId);
    expect(fake.signerId).not.toBe(real.signerId);
  });

  it('escape a one-RDN common name with commas, and never collide with the name it spells', async () => {
    const comma = await verifyDetachedSignature(
      content,
      await pki.impostors.commaInCommonName.sign(content),
      pki.anchors(),
      new Date(),
    );
    const real = await verifyDetachedSignature(
      content,
      await pki.signers.hkTrader.sign(content),
      pki.anchors(),
      new Date(),
    );
    expect(real.signerSubject).toBe('CN=HK Trader, O=Pearl River Trading Ltd, C=HK');
    expect(comma.signerSubject).toBe('CN=HK Trader\\, O=Pearl River Trading Ltd\\, C=HK');
    expect(comma.signerId).not.toBe(real.signerId);
  });

  it('stay the same for every signature of one certificate', async () => {
    const ids = new Set<string | undefined>();
    for (let i = 0; i < 3; i++)
      ids.add(
        (
          await verifyDetachedSignature(
            content,
            await pki.signers.gdTrader.sign(content),
            pki.anchors(),
            new Date(),
          )
        ).signerId,
      );
    expect(ids.size).toBe(1);
  });

  it('read the names as the certificate encodes them', () => {
    const cert = parseCertificate(pki.signers.hkTrader.certificate);
    expect(cert.subjectName[0]).toBe(0x30);
    expect(
      Buffer.from(pki.signers.hkTrader.certificate).includes(Buffer.from(cert.subjectName)),
    ).toBe(true);
  });
});
