import { canonicalBytes, verifyDetachedSignature } from '@clearance/chaincode/domain';
import { createTestPki, sampleFiling, type TestPki } from '@clearance/chaincode/testing';
import { pkcs12WithForge, pkcs12WithOpenssl } from '../testing/p12';
import { openPkcs12, Pkcs12Error } from './pkcs12';
import { fromBase64, signBytes, signFiling } from './sign';

// ASCII: forge reads a non-ASCII password right for the PKCS#12 MAC but not for PBES2 keys.
const PASSWORD = 'correct horse battery';

describe('signing in the browser with a PKCS#12 certificate', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });

  it.each([
    ['GD trader, ECDSA P-256, OpenSSL file', 'gdTrader', pkcs12WithOpenssl, 'GD'],
    ['HK trader, RSA, OpenSSL file', 'hkTrader', pkcs12WithOpenssl, 'HK'],
    ['HK trader, RSA, legacy 3DES file', 'hkTrader', pkcs12WithForge, 'HK'],
  ] as const)(
    '%s: the signed filing verifies against the trust list',
    async (_, who, make, jurisdiction) => {
      const signer = pki.signers[who];
      const credential = await openPkcs12(await make(signer, PASSWORD), PASSWORD);
      expect(credential.privateKey.extractable).toBe(false);
      expect(credential.certificate).toEqual(signer.certificate);

      const filing = sampleFiling('GD-PORTAL-1', jurisdiction);
      const body = await signFiling(filing, credential);
      const evidence = await verifyDetachedSignature(
        canonicalBytes({ declaration: body.declaration, commercial: body.commercial }),
        fromBase64(body.signature),
        pki.anchors(),
        new Date(),
      );
      expect(evidence.signerSubject).toBe(credential.subject);
      expect(evidence.jurisdiction).toBe(jurisdiction);
    },
  );

  it('signs a sign-in challenge over its raw bytes', async () => {
    const credential = await openPkcs12(
      await pkcs12WithOpenssl(pki.signers.gdTrader, PASSWORD),
      PASSWORD,
    );
    const challenge = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const signature = await signBytes(challenge, credential);
    const evidence = await verifyDetachedSignature(
      challenge,
      fromBase64(signature),
      pki.anchors(),
      new Date(),
    );
    expect(evidence.issuer).toBe(credential.issuer);
    // A signature over other bytes does not pass for this challenge.
    await expect(
      verifyDetachedSignature(new Uint8Array(32), fromBase64(signature), pki.anchors(), new Date()),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('says the password is wrong, for both kinds of file', async () => {
    for (const make of [pkcs12WithOpenssl, pkcs12WithForge]) {
      const file = await make(pki.signers.hkTrader, PASSWORD);
      await expect(openPkcs12(file, 'wrong')).rejects.toMatchObject({
        code: 'P12_WRONG_PASSWORD',
      });
    }
  });

  it('refuses a file that is not PKCS#12', async () => {
    await expect(openPkcs12(new TextEncoder().encode('hello'), PASSWORD)).rejects.toBeInstanceOf(
      Pkcs12Error,
    );
    await expect(openPkcs12(pki.signers.gdTrader.certificate, PASSWORD)).rejects.toMatchObject({
      code: 'P12_UNREADABLE',
    });
  });
});
