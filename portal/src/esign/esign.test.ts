import { canonicalBytes } from '@clearance/core';
import { verifyDetachedSignature } from '@clearance/domain';
import {
  createChainPki,
  createTestPki,
  sampleFiling,
  sm2Pkcs8Pem,
  toPem,
  type ChainPki,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkcs12WithForge, pkcs12WithOpenssl } from '../../testing/p12';
import { openPkcs12, openPkcs8, Pkcs12Error } from './pkcs12';
import { fromBase64, signBytes, signFiling } from './sign';

// ASCII: forge reads a non-ASCII password right for the PKCS#12 MAC but not for PBES2 keys.
const PASSWORD = 'correct horse battery';

describe('signing in the browser with a PKCS#12 certificate', () => {
  let pki: TestPki;
  // Generates RSA and EC keys: slow on a loaded machine, hence more than the default 5 s.
  beforeAll(async () => {
    pki = await createTestPki();
  }, 60_000);

  it.each([
    ['GD trader, ECDSA P-256, OpenSSL file', 'gdTrader', pkcs12WithOpenssl, 'GD'],
    ['HK trader, RSA, OpenSSL file', 'hkTrader', pkcs12WithOpenssl, 'HK'],
    ['HK trader, RSA, legacy 3DES file', 'hkTrader', pkcs12WithForge, 'HK'],
  ] as const)(
    '%s: the signed filing verifies against the trust list',
    async (_, who, make, jurisdiction) => {
      const signer = pki.signers[who];
      const credential = await openPkcs12(await make(signer, PASSWORD), PASSWORD);
      expect(credential.privateKey).toMatchObject({ extractable: false });
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

describe('a GD trader signing with an SM2 key', () => {
  let chains: ChainPki;
  let dir: string;
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, env: { ...process.env, PASS: PASSWORD } });
  beforeAll(async () => {
    chains = await createChainPki();
    dir = mkdtempSync(join(tmpdir(), 'sm2-portal-'));
    const { leaf } = chains.gd.trader;
    writeFileSync(join(dir, 'key.pem'), sm2Pkcs8Pem(leaf.key), { mode: 0o600 });
    writeFileSync(join(dir, 'cert.pem'), leaf.pem);
    // Files as a trader gets them from OpenSSL-based tools: PKCS#12, encrypted PKCS#8.
    openssl(
      ...['pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-name', 'trader'],
      ...['-passout', 'env:PASS', '-out', 'trader.p12'],
    );
    openssl(
      ...['pkcs8', '-topk8', '-in', 'key.pem', '-v2', 'aes-256-cbc', '-passout', 'env:PASS'],
      ...['-out', 'key.enc.pem'],
    );
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

  it.each([
    ['PKCS#12 (OpenSSL)', () => openPkcs12(read('trader.p12'), PASSWORD)],
    ['PKCS#8 PEM', () => openPkcs8(read('key.pem'), read('cert.pem'))],
    ['encrypted PKCS#8', () => openPkcs8(read('key.enc.pem'), read('cert.pem'), PASSWORD)],
  ])('signs a filing and the sign-in challenge from a %s file', async (_, open) => {
    const credential = await open();
    expect(credential.keyKind).toBe('SM2');
    expect(Object.keys(credential.privateKey)).not.toContain('d'); // the scalar is not exposed
    const filing = sampleFiling('GD-SM2-PORTAL-1', 'GD');
    const body = await signFiling(filing, credential);
    const anchors = [chains.gd.anchorAtRoot({ listIntermediate: true })];
    const evidence = await verifyDetachedSignature(
      canonicalBytes({ declaration: body.declaration, commercial: body.commercial }),
      fromBase64(body.signature),
      anchors,
      new Date(),
    );
    expect(evidence).toMatchObject({
      signerSubject: credential.subject,
      jurisdiction: 'GD',
      signatureAlgorithm: 'SM3withSM2',
    });
    expect(evidence.certificationPath).toHaveLength(3);
    const challenge = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const signature = await signBytes(challenge, credential);
    await expect(
      verifyDetachedSignature(challenge, fromBase64(signature), anchors, new Date()),
    ).resolves.toMatchObject({ issuer: credential.issuer });
  });

  it("refuses a wrong password, and a key that is not the certificate's", async () => {
    await expect(openPkcs8(read('key.enc.pem'), read('cert.pem'), 'wrong')).rejects.toMatchObject({
      code: 'P12_WRONG_PASSWORD',
    });
    await expect(
      openPkcs8(
        read('key.pem'),
        new TextEncoder().encode(toPem('CERTIFICATE', chains.gd.intermediate.der)),
      ),
    ).rejects.toMatchObject({ code: 'P12_KEY_MISMATCH' });
  });
});
