/** X.509 certificates and CRLs reduced to the facts signature checks need. */
import { asBytes, toHex } from '@clearance/core';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CertificateList,
  CertificatePolicies,
  KeyUsage,
  KeyUsageFlags,
  type Name,
  SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { LedgerError } from '../shared/errors';
import { childrenOf, readTlv } from './der';
import { BoundedCache, memoizeBytes } from './memo';

export interface ParsedCertificate {
  der: Uint8Array;
  tbs: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
  subject: string;
  issuer: string;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  /** The subject and issuer Names exactly as the certificate encodes them (for identities). */
  subjectName: Uint8Array;
  issuerName: Uint8Array;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  /** The subjectPublicKey bits (an EC point, or the DER RSAPublicKey). */
  publicKey: Uint8Array;
  keyAlgorithm: string;
  /** OID of the named curve for EC keys. */
  keyCurve?: string;
  isCa: boolean;
  /** pathLenConstraint of basic constraints, when given. */
  pathLength?: number;
  /** OIDs of the extensions marked critical. */
  criticalExtensions: string[];
  /** KeyUsageFlags bits, or undefined when the extension is absent. */
  keyUsage?: number;
  policies: string[];
  /** Subject key identifier (CA certificates carry one). */
  subjectKeyId?: Uint8Array;
  /** Key identifier of the issuer's key (certificates a CA issued carry one). */
  authorityKeyId?: Uint8Array;
}

export interface ParsedCrl {
  tbs: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: Map<string, Date>;
  /** OIDs of the CRL extensions marked critical. */
  criticalExtensions: string[];
}

const NAME_LABELS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/**
 * An attribute value escaped as RFC 4514 §2.4 asks, so that no value can spell another name:
 * `, + " \ < > ;` anywhere, `#` or a space first, a space last, and U+0000.
 */
export function escapeNameValue(value: string): string {
  return value
    .replace(/[,+"\\<>;]/g, (c) => `\\${c}`)
    .split(String.fromCharCode(0))
    .join('\\00')
    .replace(/^[# ]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

/** RFC 4514-style text of a name, most significant RDN first as written in the certificate. */
export function nameToString(name: Name): string {
  return name
    .map((rdn) =>
      rdn
        .map(
          (atv) => `${NAME_LABELS[atv.type] ?? atv.type}=${escapeNameValue(atv.value.toString())}`,
        )
        .join('+'),
    )
    .join(', ');
}

/** The issuer and subject Names as encoded in the TBS (version, serial, signature, issuer, validity, subject). */
function namesOf(tbs: Uint8Array): { issuer: Uint8Array; subject: Uint8Array } {
  const fields = childrenOf(tbs, readTlv(tbs, 0));
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[first + 2];
  const subject = fields[first + 4];
  if (!issuer || !subject) throw rejected('the certificate has no issuer or subject');
  return {
    issuer: tbs.slice(issuer.start, issuer.end),
    subject: tbs.slice(subject.start, subject.end),
  };
}

/** Serial numbers compare as unsigned magnitudes, without DER's leading zero. */
export function serialHex(raw: ArrayBuffer | Uint8Array): string {
  return toHex(asBytes(raw)).replace(/^(00)+(?=.)/, '');
}

function rejected(reason: string): LedgerError {
  return new LedgerError('CERTIFICATE_REJECTED', reason);
}

/** Parses a DER certificate; the same bytes again are answered from a cache (read-only result). */
export const parseCertificate = memoizeBytes(readCertificate);

function readCertificate(der: Uint8Array): ParsedCertificate {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch {
    throw rejected('not a DER X.509 certificate');
  }
  const tbs = cert.tbsCertificate;
  const extensions = tbs.extensions ?? [];
  const ext = (oid: string): Uint8Array | undefined => {
    const found = extensions.find((e) => e.extnID === oid);
    return found ? asBytes(found.extnValue.buffer) : undefined;
  };
  const basic = ext(id_ce_basicConstraints);
  const constraints = basic ? AsnConvert.parse(basic, BasicConstraints) : undefined;
  const usage = ext(id_ce_keyUsage);
  const policies = ext(id_ce_certificatePolicies);
  const ski = ext(id_ce_subjectKeyIdentifier);
  const aki = ext(id_ce_authorityKeyIdentifier);
  const authorityKeyId = aki && AsnConvert.parse(aki, AuthorityKeyIdentifier).keyIdentifier;
  const spkiAlg = tbs.subjectPublicKeyInfo.algorithm;
  if (!cert.tbsCertificateRaw) throw rejected('certificate has no raw TBS bytes');
  const tbsBytes = asBytes(cert.tbsCertificateRaw);
  const names = namesOf(tbsBytes);
  return {
    der,
    tbs: tbsBytes,
    signatureAlgorithm: cert.signatureAlgorithm.algorithm,
    signature: asBytes(cert.signatureValue),
    subject: nameToString(tbs.subject),
    issuer: nameToString(tbs.issuer),
    subjectDer: asBytes(AsnConvert.serialize(tbs.subject)),
    issuerDer: asBytes(AsnConvert.serialize(tbs.issuer)),
    subjectName: names.subject,
    issuerName: names.issuer,
    serialHex: serialHex(tbs.serialNumber),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    spki: asBytes(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    keyAlgorithm: spkiAlg.algorithm,
    keyCurve:
      spkiAlg.parameters && spkiAlg.parameters.byteLength > 0
        ? tryParseOid(asBytes(spkiAlg.parameters))
        : undefined,
    publicKey: asBytes(tbs.subjectPublicKeyInfo.subjectPublicKey),
    isCa: constraints?.cA ?? false,
    ...(constraints?.pathLenConstraint !== undefined
      ? { pathLength: constraints.pathLenConstraint }
      : {}),
    criticalExtensions: extensions.filter((e) => e.critical).map((e) => e.extnID),
    keyUsage: usage ? AsnConvert.parse(usage, KeyUsage).toNumber() : undefined,
    policies: policies
      ? AsnConvert.parse(policies, CertificatePolicies).map((p) => p.policyIdentifier)
      : [],
    ...(ski ? { subjectKeyId: asBytes(AsnConvert.parse(ski, SubjectKeyIdentifier).buffer) } : {}),
    ...(authorityKeyId ? { authorityKeyId: asBytes(authorityKeyId.buffer) } : {}),
  };
}

/** The dotted text of a DER OBJECT IDENTIFIER (tag and length included), else undefined. */
export function tryParseOid(der: Uint8Array): string | undefined {
  // An OBJECT IDENTIFIER (tag 6) of a named curve; NULL or explicit parameters are not.
  if (der[0] !== 0x06) return undefined;
  const body = der.subarray(2, 2 + (der[1] ?? 0));
  const parts: number[] = [];
  let value = 0;
  for (const b of body) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** Parses a DER CRL; the same bytes again are answered from a cache (read-only result). */
export const parseCrl = memoizeBytes(readCrl);

function readCrl(der: Uint8Array): ParsedCrl {
  let crl: CertificateList;
  try {
    crl = AsnConvert.parse(der, CertificateList);
  } catch {
    throw rejected('not a DER X.509 CRL');
  }
  if (!crl.tbsCertListRaw) throw rejected('CRL has no raw TBS bytes');
  const tbs = crl.tbsCertList;
  return {
    tbs: asBytes(crl.tbsCertListRaw),
    signatureAlgorithm: crl.signatureAlgorithm.algorithm,
    signature: asBytes(crl.signature),
    issuerDer: asBytes(AsnConvert.serialize(tbs.issuer)),
    thisUpdate: tbs.thisUpdate.getTime(),
    nextUpdate: tbs.nextUpdate?.getTime(),
    criticalExtensions: (tbs.crlExtensions ?? []).filter((e) => e.critical).map((e) => e.extnID),
    revoked: new Map(
      (tbs.revokedCertificates ?? []).map((r) => [
        serialHex(r.userCertificate),
        r.revocationDate.getTime(),
      ]),
    ),
  };
}

export function hasKeyUsage(cert: ParsedCertificate, flag: KeyUsageFlags): boolean {
  return cert.keyUsage !== undefined && (cert.keyUsage & flag) !== 0;
}

// The chaincode turns every authority's certificate and CRL from PEM at each signature check.
const decodedPem = new BoundedCache<Uint8Array>(1024);

/** PEM (one block) or base64 DER to DER bytes (a fresh copy the caller may change). */
export function pemToDer(text: string): Uint8Array {
  const cached = decodedPem.get(text);
  if (cached) return cached.slice();
  const body = text.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) throw rejected('not PEM or base64');
  const binary = atob(body);
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
  decodedPem.set(text, der);
  return der.slice();
}

export { KeyUsageFlags };
