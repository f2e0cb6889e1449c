/**
 * Certificates and CRLs made in code for tests, with RSA-2048, ECDSA P-256 or SM2 keys and
 * any issuer over any subject (mixed chains): the TBS is built from the ASN.1 schemas of
 * @peculiar/asn1-x509 and signed with WebCrypto (RSA, ECDSA) or the esign SM2 code, since
 * no X.509 generator we have signs with SM2. Extensions are whatever a case needs, bad ones
 * included.
 */
import 'reflect-metadata';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CertificateList,
  CertificatePolicies,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  Name,
  PolicyInformation,
  RevokedCertificate,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertList,
  TBSCertificate,
  Time,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import {
  type SigningKey,
  OID,
  ecdsaRawToDer,
  sha256,
  type CryptoKey,
  type KeyKind,
  sm2RandomPrivateKey,
  sm2SigningKey,
} from '@clearance/domain';
import { asBytes } from '@clearance/core';

export const KEY_USAGE = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  keyCertSign: 32,
  cRLSign: 64,
} as const;

export interface TestKey {
  kind: KeyKind;
  spki: Uint8Array;
  /** The key for signDetached (a WebCrypto key, or an SM2 signing key). */
  signingKey: SigningKey;
  /** Signs `data` as certificates and CRLs carry it (DER for ECDSA and SM2). */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** The raw SM2 private scalar (SM2 keys only), for files a trader would hold. */
  sm2PrivateKey?: Uint8Array;
}

const SM2_CURVE_DER = Uint8Array.of(0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d);

export async function newKey(kind: KeyKind): Promise<TestKey> {
  if (kind === 'SM2') {
    const d = sm2RandomPrivateKey();
    const key = sm2SigningKey(d);
    const spki = new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({
        algorithm: OID.ecPublicKey,
        parameters: SM2_CURVE_DER.slice().buffer,
      }),
      subjectPublicKey: key.publicKey.slice().buffer,
    });
    return {
      kind,
      spki: asBytes(AsnConvert.serialize(spki)),
      signingKey: key,
      sign: (data) => Promise.resolve(key.sign(data)),
      sm2PrivateKey: d,
    };
  }
  const subtle = globalThis.crypto.subtle;
  const algorithm =
    kind === 'RSA'
      ? {
          name: 'RSASSA-PKCS1-v1_5',
          hash: 'SHA-256',
          publicExponent: new Uint8Array([1, 0, 1]),
          modulusLength: 2048,
        }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  const pair = (await subtle.generateKey(algorithm, true, ['sign', 'verify'])) as {
    privateKey: CryptoKey;
    publicKey: CryptoKey;
  };
  return {
    kind,
    spki: new Uint8Array(await subtle.exportKey('spki', pair.publicKey)),
    signingKey: pair.privateKey,
    sign: async (data) => {
      const raw = new Uint8Array(
        await subtle.sign(
          kind === 'RSA' ? 'RSASSA-PKCS1-v1_5' : { name: 'ECDSA', hash: 'SHA-256' },
          pair.privateKey,
          data,
        ),
      );
      return kind === 'RSA' ? raw : ecdsaRawToDer(raw);
    },
  };
}

function signatureAlgorithm(kind: KeyKind): AlgorithmIdentifier {
  if (kind === 'RSA')
    return new AlgorithmIdentifier({
      algorithm: OID.sha256WithRSA,
      parameters: Uint8Array.of(5, 0).buffer,
    });
  return new AlgorithmIdentifier({
    algorithm: kind === 'SM2' ? OID.sm3WithSm2 : OID.ecdsaWithSha256,
  });
}

const nameOf = (text: string): Name => AsnConvert.parse(new x509.Name(text).toArrayBuffer(), Name);

function extension(oid: string, critical: boolean, value: unknown): Extension {
  return new Extension({
    extnID: oid,
    critical,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  });
}

export interface TestCertificate {
  der: Uint8Array;
  pem: string;
  subject: string;
  key: TestKey;
  keyId: Uint8Array;
  serial: string;
}

export interface CertificateOptions {
  subject: string;
  key: TestKey;
  /** The issuing CA; self-signed when absent. */
  issuer?: TestCertificate;
  /** Name written as the issuer (defaults to the issuer's subject): look-alikes lie here. */
  issuerName?: string;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate, with this path length constraint (undefined: none). */
  ca?: { pathLength?: number };
  keyUsage: number;
  policies?: string[];
  /** Leave out the authority key identifier. */
  noAuthorityKeyId?: boolean;
  extraExtensions?: { oid: string; critical: boolean; value: Uint8Array }[];
}

let serialCounter = 0x5000;

export async function makeCertificate(options: CertificateOptions): Promise<TestCertificate> {
  // A minimal DER INTEGER: an even number of hex digits, no leading zero byte.
  const counter = (++serialCounter).toString(16);
  const serial = counter.length % 2 ? `0${counter}` : counter;
  const keyId = (await sha256(options.key.spki)).subarray(0, 20);
  const issuerKey = options.issuer?.key ?? options.key;
  const issuerKeyId = options.issuer?.keyId ?? keyId;
  const extensions: Extension[] = [
    extension(
      id_ce_basicConstraints,
      true,
      new BasicConstraints({
        cA: !!options.ca,
        ...(options.ca?.pathLength !== undefined
          ? { pathLenConstraint: options.ca.pathLength }
          : {}),
      }),
    ),
    extension(id_ce_keyUsage, true, new KeyUsage(options.keyUsage)),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
    ...(options.noAuthorityKeyId
      ? []
      : [
          extension(
            id_ce_authorityKeyIdentifier,
            false,
            new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(issuerKeyId) }),
          ),
        ]),
    ...(options.policies
      ? [
          extension(
            id_ce_certificatePolicies,
            false,
            new CertificatePolicies(
              options.policies.map((p) => new PolicyInformation({ policyIdentifier: p })),
            ),
          ),
        ]
      : []),
    ...(options.extraExtensions ?? []).map(
      (e) =>
        new Extension({ extnID: e.oid, critical: e.critical, extnValue: new OctetString(e.value) }),
    ),
  ];
  const algorithm = signatureAlgorithm(issuerKey.kind);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: Uint8Array.from(serial.match(/../g) ?? [], (h) => parseInt(h, 16)).buffer,
    signature: algorithm,
    issuer: nameOf(options.issuerName ?? options.issuer?.subject ?? options.subject),
    validity: new Validity({ notBefore: options.notBefore, notAfter: options.notAfter }),
    subject: nameOf(options.subject),
    subjectPublicKeyInfo: AsnConvert.parse(options.key.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(extensions),
  });
  const tbsDer = asBytes(AsnConvert.serialize(tbs));
  const signature = await issuerKey.sign(tbsDer);
  const der = asBytes(
    AsnConvert.serialize(
      new Certificate({
        tbsCertificate: tbs,
        signatureAlgorithm: algorithm,
        signatureValue: signature.slice().buffer,
      }),
    ),
  );
  return {
    der,
    pem: toPem('CERTIFICATE', der),
    subject: options.subject,
    key: options.key,
    keyId,
    serial,
  };
}

export async function makeCrl(options: {
  issuer: TestCertificate;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked?: { serial: string; at: Date }[];
  /** Critical CRL extensions (for the unknown-critical case). */
  criticalExtensions?: string[];
}): Promise<Uint8Array> {
  const algorithm = signatureAlgorithm(options.issuer.key.kind);
  const revoked = options.revoked ?? [];
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: algorithm,
    issuer: nameOf(options.issuer.subject),
    thisUpdate: new Time(options.thisUpdate),
    nextUpdate: new Time(options.nextUpdate),
    ...(revoked.length
      ? {
          revokedCertificates: revoked.map(
            (r) =>
              new RevokedCertificate({
                userCertificate: Uint8Array.from(r.serial.match(/../g) ?? [], (h) =>
                  parseInt(h, 16),
                ).buffer,
                revocationDate: new Time(r.at),
              }),
          ),
        }
      : {}),
    ...(options.criticalExtensions?.length
      ? {
          crlExtensions: options.criticalExtensions.map(
            (oid) => new Extension({ extnID: oid, critical: true, extnValue: new OctetString(2) }),
          ),
        }
      : {}),
  });
  const signature = await options.issuer.key.sign(asBytes(AsnConvert.serialize(tbs)));
  return asBytes(
    AsnConvert.serialize(
      new CertificateList({
        tbsCertList: tbs,
        signatureAlgorithm: algorithm,
        signature: signature.slice().buffer,
      }),
    ),
  );
}

export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, '$1\n').trim()}\n-----END ${label}-----\n`;
}

const derOf = (tag: number, ...parts: Uint8Array[]): Uint8Array => {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const head =
    length < 0x80
      ? [tag, length]
      : length < 0x100
        ? [tag, 0x81, length]
        : [tag, 0x82, length >> 8, length & 0xff];
  const out = new Uint8Array(head.length + length);
  out.set(head);
  let offset = head.length;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};

/** An SM2 key as the PKCS#8 PEM a trader's file holds (OpenSSL writes the same shape). */
export function sm2Pkcs8Pem(key: TestKey): string {
  if (!key.sm2PrivateKey || !('publicKey' in key.signingKey)) throw new Error('not an SM2 key');
  const ecPrivateKey = derOf(
    0x30,
    Uint8Array.of(0x02, 0x01, 0x01),
    derOf(0x04, key.sm2PrivateKey),
    derOf(0xa1, derOf(0x03, Uint8Array.of(0), key.signingKey.publicKey)),
  );
  const info = derOf(
    0x30,
    Uint8Array.of(0x02, 0x01, 0x00),
    derOf(0x30, Uint8Array.of(0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01), SM2_CURVE_DER),
    derOf(0x04, ecPrivateKey),
  );
  return toPem('PRIVATE KEY', info);
}
