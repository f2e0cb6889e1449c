import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, webcrypto } from 'node:crypto';
import { lowSCertificate, lowSPem, signatureS, withSignatureS } from './low-s';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

async function selfSigned(): Promise<Buffer> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=low-s test',
    keys: keys as never,
    signingAlgorithm: alg,
  });
  return Buffer.from(cert.rawData);
}

describe('low-S certificate signatures', () => {
  it('turns a high S into n − s and the certificate still verifies', async () => {
    const cert = await selfSigned();
    const high = withSignatureS(cert, (s, n) => (s > n / 2n ? s : n - s));
    expect(signatureS(high) > N / 2n).toBe(true);
    const parsed = new X509Certificate(high);
    expect(parsed.verify(parsed.publicKey)).toBe(true); // high S is valid, only refused by Fabric

    const low = lowSCertificate(high);
    expect(signatureS(low)).toBe(N - signatureS(high));
    const fixed = new X509Certificate(low);
    expect(fixed.verify(fixed.publicKey)).toBe(true);
    expect(fixed.subject).toBe(parsed.subject);
    expect(lowSCertificate(low).equals(low)).toBe(true); // idempotent
  });

  it('rewrites only the certificates of a PEM text that need it', async () => {
    const pem = (der: Buffer): string =>
      `-----BEGIN CERTIFICATE-----\n${der
        .toString('base64')
        .replace(/(.{64})/g, '$1\n')
        .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
    const low = lowSCertificate(await selfSigned());
    const high = withSignatureS(await selfSigned(), (s, n) => (s > n / 2n ? s : n - s));
    const text = `${pem(low)}${pem(high)}`;
    const out = lowSPem(text);
    expect(out.startsWith(pem(low))).toBe(true);
    expect(out).toBe(`${pem(low)}${pem(lowSCertificate(high))}`);
    expect(lowSPem(out)).toBe(out);
  });
});
