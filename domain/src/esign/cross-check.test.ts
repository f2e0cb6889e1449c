/**
 * Certification paths cross-checked with OpenSSL 3: an SM2 chain, CRLs and revocation made
 * entirely by OpenSSL (at run time, in a temporary folder) verify in the project's code, and
 * the SM2 chain the project makes verifies with `openssl verify`.
 */
import {
  createChainPki,
  toPem,
  ACCEPTED_POLICIES,
  TEST_POLICIES,
  opensslDir,
  type OpensslDir,
} from '@clearance/testkit/chaincode';
import { canonicalBytes } from '@clearance/core';
import { signDetached, verifyDetachedSignature } from './cms';
import { sm2PrivateKeyFromDer, sm2SigningKey } from './sm2';
import { parseCertificate, parseCrl, pemToDer } from './x509';
import type { TrustAnchor } from './path';

const ID = 'distid:1234567812345678';
const content = canonicalBytes({ declaration: { declarationId: 'D-OSSL-1' } });

describe('an SM2 PKI made by OpenSSL 3, verified here', () => {
  let ossl: OpensslDir;
  const key = (name: string) =>
    ossl.run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', name);
  const issue = (
    csrKey: string,
    subject: string,
    ca: string,
    caKey: string,
    ext: string,
    out: string,
  ) => {
    ossl.run(
      'req',
      '-new',
      '-key',
      csrKey,
      '-sm3',
      '-sigopt',
      ID,
      '-subj',
      subject,
      '-out',
      'x.csr',
    );
    ossl.write('x.ext', ext);
    ossl.run(
      ...['x509', '-req', '-in', 'x.csr', '-CA', ca, '-CAkey', caKey, '-sm3'],
      ...['-sigopt', ID, '-vfyopt', ID, '-days', '30', '-CAcreateserial'],
      ...['-extfile', 'x.ext', '-out', out],
    );
  };
  const crl = (ca: string, caKey: string, db: string, out: string) => {
    ossl.write(
      `${db}.cnf`,
      `[ca]\ndefault_ca=d\n[d]\ndatabase=${db}.txt\ndefault_md=sm3\ndefault_crl_days=7\n`,
    );
    ossl.run(
      'ca',
      '-gencrl',
      '-keyfile',
      caKey,
      '-cert',
      ca,
      '-sigopt',
      ID,
      '-config',
      `${db}.cnf`,
      '-out',
      out,
    );
  };
  const anchor = (): TrustAnchor => ({
    authorityId: 'OSSL-SM2-ROOT',
    jurisdiction: 'GD',
    active: true,
    certificate: pemToDer(ossl.readText('root.pem')),
    acceptedPolicies: ACCEPTED_POLICIES.GD,
    crl: pemToDer(ossl.readText('root.crl')),
  });
  const sign = async () => {
    const leafKey = sm2SigningKey(sm2PrivateKeyFromDer(pemToDer(ossl.readText('leaf.key'))));
    return signDetached(content, pemToDer(ossl.readText('leaf.pem')), leafKey, new Date(), {
      certificates: [pemToDer(ossl.readText('ca.pem'))],
      crls: [pemToDer(ossl.readText('ca.crl'))],
    });
  };

  beforeAll(() => {
    ossl = opensslDir();
    key('root.key');
    ossl.run(
      ...['req', '-x509', '-new', '-key', 'root.key', '-sm3', '-sigopt', ID, '-days', '60'],
      ...['-subj', '/CN=OpenSSL SM2 Root/O=Cross Check/C=CN', '-out', 'root.pem'],
      ...['-addext', 'basicConstraints=critical,CA:TRUE,pathlen:1'],
      ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    );
    key('ca.key');
    issue(
      'ca.key',
      '/CN=OpenSSL SM2 Issuing CA/O=Cross Check/C=CN',
      'root.pem',
      'root.key',
      'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' +
        'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
      'ca.pem',
    );
    key('leaf.key');
    issue(
      'leaf.key',
      '/CN=OpenSSL SM2 Trader/O=Pearl River Trading Ltd/C=CN',
      'ca.pem',
      'ca.key',
      'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' +
        `certificatePolicies=${TEST_POLICIES.GD_TRADER}\nauthorityKeyIdentifier=keyid\n`,
      'leaf.pem',
    );
    ossl.write('root.txt', '');
    ossl.write('ca.txt', '');
    crl('root.pem', 'root.key', 'root', 'root.crl');
    crl('ca.pem', 'ca.key', 'ca', 'ca.crl');
    // OpenSSL 3.0's verify applies -vfyopt to the target certificate only, so each
    // certificate is checked as the target, under its issuer.
    expect(ossl.run('verify', '-vfyopt', ID, '-CAfile', 'root.pem', 'ca.pem').trim()).toBe(
      'ca.pem: OK',
    );
    expect(
      ossl.run('verify', '-vfyopt', ID, '-partial_chain', '-CAfile', 'ca.pem', 'leaf.pem').trim(),
    ).toBe('leaf.pem: OK');
  });
  afterAll(() => ossl.remove());

  it('verifies a CMS signed with the OpenSSL key, through the OpenSSL CA, with OpenSSL CRLs', async () => {
    const evidence = await verifyDetachedSignature(content, await sign(), [anchor()], new Date());
    expect(evidence).toMatchObject({
      authorityId: 'OSSL-SM2-ROOT',
      signatureAlgorithm: 'SM3withSM2',
      policyOid: TEST_POLICIES.GD_TRADER,
    });
    expect(evidence.certificationPath).toEqual([
      'CN=OpenSSL SM2 Trader, O=Pearl River Trading Ltd, C=CN',
      'CN=OpenSSL SM2 Issuing CA, O=Cross Check, C=CN',
      'CN=OpenSSL SM2 Root, O=Cross Check, C=CN',
    ]);
  });

  it('refuses the trader once OpenSSL revokes its certificate', async () => {
    ossl.run(
      'ca',
      '-revoke',
      'leaf.pem',
      '-keyfile',
      'ca.key',
      '-cert',
      'ca.pem',
      '-config',
      'ca.cnf',
    );
    crl('ca.pem', 'ca.key', 'ca', 'ca.crl');
    await expect(
      verifyDetachedSignature(content, await sign(), [anchor()], new Date(Date.now() + 5000)),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_REJECTED', reason: 'SIGNER_REVOKED' });
  });
});

describe('the SM2 chain made here, verified by OpenSSL 3', () => {
  it('passes openssl verify certificate by certificate; its CRL signatures verify with pkeyutl', async () => {
    const pki = await createChainPki();
    const ossl = opensslDir();
    try {
      const { gd } = pki;
      ossl.write('root.pem', toPem('CERTIFICATE', gd.root.der));
      ossl.write('ca.pem', toPem('CERTIFICATE', gd.intermediate.der));
      ossl.write('leaf.pem', toPem('CERTIFICATE', gd.trader.leaf.der));
      expect(ossl.run('verify', '-vfyopt', ID, '-CAfile', 'root.pem', 'ca.pem').trim()).toBe(
        'ca.pem: OK',
      );
      expect(
        ossl.run('verify', '-vfyopt', ID, '-partial_chain', '-CAfile', 'ca.pem', 'leaf.pem').trim(),
      ).toBe('leaf.pem: OK');
      // A certificate signed by another key is refused by OpenSSL too.
      expect(() =>
        ossl.run('verify', '-vfyopt', ID, '-partial_chain', '-CAfile', 'root.pem', 'leaf.pem'),
      ).toThrow(/unable to get local issuer|signature failure/);

      for (const [crlDer, issuer] of [
        [gd.rootCrl, 'root.pem'],
        [gd.intermediateCrl, 'ca.pem'],
      ] as const) {
        const crl = parseCrl(crlDer);
        ossl.write('tbs', crl.tbs);
        ossl.write('sig', crl.signature);
        ossl.write('issuer.pub', ossl.run('x509', '-in', issuer, '-pubkey', '-noout'));
        const out = ossl.run(
          ...['pkeyutl', '-verify', '-pubin', '-inkey', 'issuer.pub', '-rawin', '-digest', 'sm3'],
          ...['-pkeyopt', ID, '-in', 'tbs', '-sigfile', 'sig'],
        );
        expect(out).toContain('Signature Verified Successfully');
      }
      // OpenSSL reads the root's CRL and finds the revoked intermediate on it.
      ossl.write('root.crl', toPem('X509 CRL', gd.rootCrl));
      const revokedSerial = parseCertificate(
        pki.bad.intermediateRevoked.intermediates[0] as Uint8Array,
      ).serialHex.toUpperCase();
      expect(ossl.run('crl', '-in', 'root.crl', '-noout', '-text')).toContain(
        `Serial Number: ${revokedSerial}`,
      );
    } finally {
      ossl.remove();
    }
  }, 120_000);
});
