/**
 * SM3 against the standard's test vectors and OpenSSL; SM2 signatures both ways with
 * OpenSSL 3 (an implementation nobody here wrote), keys made by OpenSSL at run time.
 */
import { toHex } from '@clearance/core';
import { opensslDir, type OpensslDir } from '@clearance/testkit/chaincode';
import { OID, verifySignature } from './crypto';
import {
  SM2_DEFAULT_USER_ID,
  sm2PrivateKeyFromDer,
  sm2PublicKey,
  sm2Sign,
  sm2SigningKey,
  sm2Verify,
} from './sm2';
import { sm3 } from './sm3';
import { parseCertificate, pemToDer } from './x509';

const text = (s: string) => new TextEncoder().encode(s);

describe('SM3 (GB/T 32905-2016)', () => {
  it.each([
    // GB/T 32905-2016 appendix A, examples 1 and 2.
    ['abc', '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'],
    ['abcd'.repeat(16), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732'],
  ])('hashes the standard example %s', (message, digest) => {
    expect(toHex(sm3(text(message)))).toBe(digest);
  });

  it('agrees with openssl dgst -sm3 on every length around the block boundaries', () => {
    const ossl = opensslDir();
    try {
      for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 4096]) {
        const data = Uint8Array.from({ length }, (_, i) => (i * 131 + length) % 256);
        ossl.write('in', data);
        const theirs = ossl.run('dgst', '-sm3', '-r', 'in').split(' ')[0];
        expect(toHex(sm3(data))).toBe(theirs);
      }
    } finally {
      ossl.remove();
    }
  });

  it('hashes parts as their concatenation', () => {
    expect(sm3(text('ab'), text('c'))).toEqual(sm3(text('abc')));
  });
});

describe('SM2 signatures (GB/T 32918.2) cross-checked with OpenSSL 3', () => {
  let ossl: OpensslDir;
  let privateKey: Uint8Array;
  let publicKey: Uint8Array;
  const message = text('粵港 customs filing D-1 {"totalValue":"100.00"}');
  const OTHER_ID = 'ALICE123@YAHOO.COM';

  beforeAll(() => {
    ossl = opensslDir();
    ossl.run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'k.pem');
    ossl.run('pkey', '-in', 'k.pem', '-pubout', '-out', 'pub.pem');
    ossl.write('msg', message);
    privateKey = sm2PrivateKeyFromDer(pemToDer(ossl.readText('k.pem')));
    publicKey = sm2PublicKey(privateKey);
  });
  afterAll(() => ossl.remove());

  const opensslSign = (id: string, file = 'msg') => {
    ossl.run(
      ...['pkeyutl', '-sign', '-inkey', 'k.pem', '-rawin', '-digest', 'sm3'],
      ...['-pkeyopt', `distid:${id}`, '-in', file, '-out', 'sig'],
    );
    return ossl.read('sig');
  };
  const opensslVerify = (signature: Uint8Array, id: string): boolean => {
    ossl.write('ours.sig', signature);
    try {
      const out = ossl.run(
        ...['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-digest', 'sm3'],
        ...['-pkeyopt', `distid:${id}`, '-in', 'msg', '-sigfile', 'ours.sig'],
      );
      return out.includes('Signature Verified Successfully');
    } catch {
      return false;
    }
  };

  it('reads the OpenSSL key as PKCS#8 and as SEC1, to the same public key OpenSSL has', () => {
    ossl.run('pkey', '-in', 'k.pem', '-outform', 'DER', '-out', 'sec1.der');
    expect(sm2PrivateKeyFromDer(ossl.read('sec1.der'))).toEqual(privateKey);
    const spki = pemToDer(ossl.readText('pub.pem'));
    expect(toHex(spki)).toContain(toHex(publicKey)); // the point is the SPKI's last 65 bytes
  });

  it('verifies OpenSSL signatures made with the default user ID', () => {
    for (let i = 0; i < 5; i++) {
      expect(sm2Verify(publicKey, message, opensslSign('1234567812345678'))).toBe(true);
    }
  });

  it('refuses an OpenSSL signature over other bytes, or with another user ID', () => {
    const signature = opensslSign('1234567812345678');
    const altered = message.slice();
    altered[0] = (altered[0] as number) ^ 1;
    expect(sm2Verify(publicKey, altered, signature)).toBe(false);
    const otherId = opensslSign(OTHER_ID);
    expect(sm2Verify(publicKey, message, otherId)).toBe(false);
    expect(sm2Verify(publicKey, message, otherId, text(OTHER_ID))).toBe(true);
  });

  it('makes signatures OpenSSL verifies, with the default and with another user ID', () => {
    for (let i = 0; i < 3; i++) {
      expect(opensslVerify(sm2Sign(privateKey, message), '1234567812345678')).toBe(true);
    }
    const key = sm2SigningKey(privateKey);
    expect(opensslVerify(key.sign(message), '1234567812345678')).toBe(true);
    expect(opensslVerify(key.sign(message, text(OTHER_ID)), OTHER_ID)).toBe(true);
    expect(opensslVerify(key.sign(message, text(OTHER_ID)), '1234567812345678')).toBe(false);
    expect(key.publicKey).toEqual(publicKey);
  });

  it('refuses malformed signatures and keys without throwing', () => {
    const signature = sm2Sign(privateKey, message);
    expect(sm2Verify(publicKey, message, signature.subarray(0, 10))).toBe(false);
    expect(sm2Verify(publicKey.subarray(0, 40), message, signature)).toBe(false);
    const flipped = signature.slice();
    flipped[flipped.length - 1] = (flipped.at(-1) as number) ^ 1;
    expect(sm2Verify(publicKey, message, flipped)).toBe(false);
    expect(SM2_DEFAULT_USER_ID).toEqual(text('1234567812345678'));
    expect(() => sm2PrivateKeyFromDer(new Uint8Array([0x30, 0x00]))).toThrow();
  });

  it('verifies OpenSSL SM3withSM2 certificates: a root and the CA it issued', async () => {
    // OpenSSL 3.0.22 signs and verifies X.509 with an empty SM2 ID unless told otherwise
    // (its SM2 provider leaves the ID unset); certificates with the standard default ID need
    // -sigopt distid: to sign and -vfyopt distid: for `openssl verify` to check them.
    const id = 'distid:1234567812345678';
    ossl.run(
      ...['req', '-x509', '-new', '-key', 'k.pem', '-sm3', '-sigopt', id, '-days', '30'],
      ...['-subj', '/CN=OpenSSL SM2 Root/O=Cross Check/C=CN', '-out', 'root.pem'],
      ...['-addext', 'basicConstraints=critical,CA:TRUE'],
      ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    );
    ossl.run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'ca.key');
    ossl.run(
      ...['req', '-new', '-key', 'ca.key', '-sm3', '-sigopt', id, '-out', 'ca.csr'],
      ...['-subj', '/CN=OpenSSL SM2 CA/C=CN'],
    );
    ossl.write(
      'ext.cnf',
      'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n',
    );
    const issue = (out: string, ...sigopt: string[]) =>
      ossl.run(
        ...['x509', '-req', '-in', 'ca.csr', '-CA', 'root.pem', '-CAkey', 'k.pem', '-sm3'],
        ...['-vfyopt', id, ...sigopt, '-days', '30', '-set_serial', '4660'],
        ...['-extfile', 'ext.cnf', '-out', out],
      );
    issue('ca.pem', '-sigopt', id);
    issue('ca-empty-id.pem');
    expect(ossl.run('verify', '-vfyopt', id, '-CAfile', 'root.pem', 'ca.pem').trim()).toBe(
      'ca.pem: OK',
    );

    const root = parseCertificate(pemToDer(ossl.readText('root.pem')));
    const ca = parseCertificate(pemToDer(ossl.readText('ca.pem')));
    const emptyId = parseCertificate(pemToDer(ossl.readText('ca-empty-id.pem')));
    expect(root.signatureAlgorithm).toBe(OID.sm3WithSm2);
    expect(root.keyCurve).toBe(OID.sm2Curve);
    expect(await verifySignature(root, ca.signatureAlgorithm, ca.signature, ca.tbs)).toBe(true);
    expect(await verifySignature(root, root.signatureAlgorithm, root.signature, root.tbs)).toBe(
      true,
    );
    // The CA's own key did not sign it; the one signed with an empty ID is not standard.
    expect(await verifySignature(ca, ca.signatureAlgorithm, ca.signature, ca.tbs)).toBe(false);
    expect(
      await verifySignature(root, emptyId.signatureAlgorithm, emptyId.signature, emptyId.tbs),
    ).toBe(false);
    expect(sm2Verify(root.publicKey, emptyId.tbs, emptyId.signature, new Uint8Array(0))).toBe(true);
  });
});
