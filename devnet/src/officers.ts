/**
 * Officer identities: X.509 certificates issued by the organisation's own CA with a
 * `role` attribute in Fabric's attribute extension, as Fabric CA would issue them
 * (cryptogen cannot add attributes).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import type { OfficerDef, PeerOrg } from './definition';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Fabric's certificate attribute extension: its value is the JSON itself. */
export const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

function der(pem: string): Uint8Array {
  return new Uint8Array(
    Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'),
  );
}

function caKeyId(ca: x509.X509Certificate): string {
  const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!ski) throw new Error(`CA ${ca.subject} has no subject key identifier`);
  return ski.keyId;
}

/** The certificate's attributes: the role, and a lane device's control point. */
export function attributesOf(officer: OfficerDef): Record<string, string> {
  return {
    role: officer.role,
    ...(officer.controlPoint ? { controlPoint: officer.controlPoint } : {}),
  };
}

export async function issueOfficer(
  org: Omit<PeerOrg, 'peer'>,
  officer: OfficerDef,
  caCertPem: string,
  caKeyPem: string,
): Promise<{ certPem: string; keyPem: string }> {
  const ca = new x509.X509Certificate(caCertPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', der(caKeyPem), EC, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: `01${randomBytes(15).toString('hex')}`,
    subject: `C=CN, O=${org.domain}, OU=client, CN=${officer.name}@${org.domain}`,
    issuer: ca.subject,
    // Fabric validates an identity's chain as of the identity's own notBefore: never before the CA's.
    notBefore: new Date(Math.max(ca.notBefore.getTime(), now - 3600_000)),
    notAfter: new Date(now + 365 * 24 * 3600_000),
    publicKey: keys.publicKey as never,
    signingKey: caKey as never, // node:crypto and DOM CryptoKey types differ only on paper
    signingAlgorithm: EC,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      // Must name the CA's own key identifier (cryptogen's is a SHA-256, not the usual SHA-1).
      new x509.AuthorityKeyIdentifierExtension(caKeyId(ca)),
      new x509.Extension(
        FABRIC_ATTRIBUTES_OID,
        false,
        Buffer.from(JSON.stringify({ attrs: attributesOf(officer) })),
      ),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem'), keyPem };
}
