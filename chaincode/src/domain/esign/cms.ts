/**
 * Detached CMS (PKCS#7) signatures over filings, checked against the mutual-recognition
 * trust list: signature, signer certificate issued by a recognised authority, validity
 * and revocation at the given time, accepted certificate policy, key usage.
 *
 * Built on the ASN.1 schemas of @peculiar/asn1-cms / asn1-x509 and WebCrypto; node-forge
 * can make PKCS#7 but not verify it, and pkijs would hide the checks we must record.
 */
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  id_data,
  id_signedData,
} from '@peculiar/asn1-cms';
import {
  AsnConvert,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  OctetString,
} from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, Time } from '@peculiar/asn1-x509';
import { LedgerError } from '../errors';
import type { Jurisdiction, SignatureEvidence } from '../lifecycle';
import { signedAttributesForVerification, splitSignedData } from './der';
import { OID, ecdsaRawToDer, sha256, verifySignature, type CryptoKey } from './crypto';
import {
  KeyUsageFlags,
  bytes,
  equalBytes,
  hasKeyUsage,
  hex,
  parseCertificate,
  parseCrl,
  serialHex,
  type ParsedCertificate,
} from './x509';

const ATTR_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ATTR_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ATTR_SIGNING_TIME = '1.2.840.113549.1.9.5';

/** A recognised certificate authority, as the verifier needs it. */
export interface TrustAnchor {
  authorityId: string;
  jurisdiction: Jurisdiction;
  active: boolean;
  certificate: Uint8Array;
  /** Policy OIDs accepted from this authority; a cert policy matches an entry or lies under it. */
  acceptedPolicies: readonly string[];
  /** Its current CRL (DER); without a current one no signer it issued is accepted. */
  crl?: Uint8Array;
}

/** An OBJECT IDENTIFIER as an attribute value (the content-type attribute). */
@AsnType({ type: AsnTypeTypes.Choice })
class OidValue {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  value = '';

  constructor(params: Partial<OidValue> = {}) {
    Object.assign(this, params);
  }
}

const invalid = (reason: string) => new LedgerError('SIGNATURE_INVALID', reason);
const rejected = (reason: string) => new LedgerError('CERTIFICATE_REJECTED', reason);

function policyAccepted(
  policies: readonly string[],
  accepted: readonly string[],
): string | undefined {
  return policies.find((p) => accepted.some((a) => p === a || p.startsWith(`${a}.`)));
}

function attribute(attrs: Attribute[], oid: string): ArrayBuffer | undefined {
  const found = attrs.filter((a) => a.attrType === oid);
  if (found.length > 1 || (found[0] && found[0].attrValues.length !== 1)) {
    throw invalid(`signed attribute ${oid} must appear once with one value`);
  }
  return found[0]?.attrValues[0];
}

interface SignedFields {
  encapContentInfo: EncapsulatedContentInfo;
  certificates: Uint8Array[];
  signerInfos: SignerInfos;
  /** The first signer's signed attributes as the signature covers them. */
  signedAttrs: Uint8Array | undefined;
}

function parseSignedData(cms: Uint8Array): SignedFields {
  try {
    const parts = splitSignedData(cms);
    return {
      encapContentInfo: AsnConvert.parse(parts.encapContentInfo, EncapsulatedContentInfo),
      certificates: parts.certificates,
      signerInfos: AsnConvert.parse(parts.signerInfos, SignerInfos),
      signedAttrs: signedAttributesForVerification(parts.signerInfos),
    };
  } catch {
    throw invalid('the signature is not a DER CMS SignedData structure');
  }
}

function findSigner(certificates: Uint8Array[], info: SignerInfo): ParsedCertificate {
  const sid = info.sid.issuerAndSerialNumber;
  if (!sid) throw invalid('the signer must be identified by issuer and serial number');
  const wantIssuer = bytes(AsnConvert.serialize(sid.issuer));
  const wantSerial = serialHex(sid.serialNumber);
  for (const der of certificates) {
    let cert: ParsedCertificate;
    try {
      cert = parseCertificate(der);
    } catch {
      throw invalid('a certificate in the signature is not a DER X.509 certificate');
    }
    if (equalBytes(cert.issuerDer, wantIssuer) && cert.serialHex === wantSerial) return cert;
  }
  throw invalid('the signer certificate is not included in the signature');
}

// Outcomes of checking an authority's signature on a certificate or CRL it issued, by the
// parsed objects: parsing answers the same bytes with the same object (x509.ts), so every
// filing's signer and its authority's CRL are checked once while they stay parsed.
const authoritySignatures = new WeakMap<ParsedCertificate, WeakMap<object, boolean>>();

async function signedByAuthority(
  ca: ParsedCertificate,
  issued: Pick<ParsedCertificate, 'signatureAlgorithm' | 'signature' | 'tbs'>,
): Promise<boolean> {
  const checked = authoritySignatures.get(ca) ?? new WeakMap<object, boolean>();
  authoritySignatures.set(ca, checked);
  const cached = checked.get(issued);
  if (cached !== undefined) return cached;
  const valid = await verifySignature(ca, issued.signatureAlgorithm, issued.signature, issued.tbs);
  checked.set(issued, valid);
  return valid;
}

function checkValidity(cert: ParsedCertificate, at: Date, what: string): void {
  if (at < cert.notBefore)
    throw rejected(`${what} certificate is not yet valid at ${at.toISOString()}`);
  if (at > cert.notAfter) throw rejected(`${what} certificate expired before ${at.toISOString()}`);
}

async function checkRevocation(
  signer: ParsedCertificate,
  ca: ParsedCertificate,
  anchor: TrustAnchor,
  at: Date,
) {
  if (!anchor.crl) throw rejected(`no revocation list for authority ${anchor.authorityId}`);
  const crl = parseCrl(anchor.crl);
  if (!equalBytes(crl.issuerDer, ca.subjectDer) || !(await signedByAuthority(ca, crl))) {
    throw rejected(`the revocation list of ${anchor.authorityId} is not signed by it`);
  }
  if (crl.thisUpdate > at || (crl.nextUpdate && crl.nextUpdate < at)) {
    throw rejected(
      `the revocation list of ${anchor.authorityId} is not current at ${at.toISOString()}`,
    );
  }
  const revokedAt = crl.revoked.get(signer.serialHex);
  if (revokedAt && revokedAt <= at)
    throw rejected(`certificate ${signer.serialHex} was revoked on ${revokedAt.toISOString()}`);
}

/**
 * Verifies a detached CMS signature over `content` at time `at` (the transaction time on
 * the ledger). Returns the evidence to record; throws SIGNATURE_INVALID or
 * CERTIFICATE_REJECTED with the reason.
 */
export async function verifyDetachedSignature(
  content: Uint8Array,
  cms: Uint8Array,
  anchors: readonly TrustAnchor[],
  at: Date,
): Promise<SignatureEvidence> {
  const signed = parseSignedData(cms); // throws on anything that is not SignedData
  if (signed.encapContentInfo.eContent)
    throw invalid('the signature must be detached (no embedded content)');
  if (signed.encapContentInfo.eContentType !== id_data)
    throw invalid('the signed content type must be id-data');
  if (signed.signerInfos.length !== 1) throw invalid('exactly one signer is expected');
  const info = signed.signerInfos[0] as SignerInfo;
  if (info.digestAlgorithm.algorithm !== OID.sha256)
    throw invalid('the digest algorithm must be SHA-256');
  const { signedAttrs } = signed;
  if (!info.signedAttrs || !signedAttrs) throw invalid('signed attributes are required');

  const contentType = attribute(info.signedAttrs, ATTR_CONTENT_TYPE);
  if (!contentType || AsnConvert.parse(contentType, OidValue).value !== id_data) {
    throw invalid('the content-type attribute must be id-data');
  }
  const digest = attribute(info.signedAttrs, ATTR_MESSAGE_DIGEST);
  const contentSha256 = await sha256(content);
  if (!digest || !equalBytes(bytes(AsnConvert.parse(digest, OctetString).buffer), contentSha256)) {
    throw invalid('the document does not match what was signed');
  }
  const signingTimeRaw = attribute(info.signedAttrs, ATTR_SIGNING_TIME);
  const signingTime = signingTimeRaw ? AsnConvert.parse(signingTimeRaw, Time).getTime() : undefined;

  const signer = findSigner(signed.certificates, info);
  if (
    !(await verifySignature(
      signer,
      info.signatureAlgorithm.algorithm,
      bytes(info.signature.buffer),
      signedAttrs,
    ))
  ) {
    throw invalid('the signature does not verify with the signer certificate');
  }

  if (equalBytes(signer.subjectDer, signer.issuerDer))
    throw rejected('self-signed certificates are not accepted');
  let anchor: TrustAnchor | undefined;
  let ca: ParsedCertificate | undefined;
  for (const candidate of anchors) {
    const cert = parseCertificate(candidate.certificate);
    if (!equalBytes(cert.subjectDer, signer.issuerDer)) continue;
    // Authorities may share a name (a renewed CA, test CAs): the key identifiers tell which
    // key signed, so only that candidate's signature is checked (each check costs).
    if (
      signer.authorityKeyId &&
      cert.subjectKeyId &&
      !equalBytes(signer.authorityKeyId, cert.subjectKeyId)
    )
      continue;
    if (await signedByAuthority(cert, signer)) {
      anchor = candidate;
      ca = cert;
      break;
    }
  }
  if (!anchor || !ca) throw rejected(`the issuer ${signer.issuer} is not a recognised authority`);
  if (!anchor.active) throw rejected(`authority ${anchor.authorityId} is no longer recognised`);
  checkValidity(ca, at, 'the issuing CA');
  checkValidity(signer, at, 'the signer');
  if (
    !hasKeyUsage(signer, KeyUsageFlags.digitalSignature) &&
    !hasKeyUsage(signer, KeyUsageFlags.nonRepudiation)
  ) {
    throw rejected('the signer certificate is not for digital signatures (key usage)');
  }
  const policyOid = policyAccepted(signer.policies, anchor.acceptedPolicies);
  if (!policyOid)
    throw rejected(
      `no certificate policy of the signer is accepted (${signer.policies.join(', ') || 'none'})`,
    );
  await checkRevocation(signer, ca, anchor, at);

  return {
    signerSubject: signer.subject,
    issuer: signer.issuer,
    serialNumber: signer.serialHex,
    jurisdiction: anchor.jurisdiction,
    authorityId: anchor.authorityId,
    policyOid,
    certificateSha256: hex(await sha256(signer.der)),
    contentSha256: hex(contentSha256),
    ...(signingTime ? { signingTime: signingTime.toISOString() } : {}),
  };
}

/**
 * Makes a detached CMS signature (what the portal does in the browser, and the test PKI
 * in tests): SHA-256 digest, content-type, message-digest and signing-time attributes.
 */
export async function signDetached(
  content: Uint8Array,
  certificateDer: Uint8Array,
  privateKey: CryptoKey,
  signingTime: Date,
): Promise<Uint8Array> {
  const cert = AsnConvert.parse(certificateDer, Certificate);
  const digest = await sha256(content);
  const attrs = [
    new Attribute({
      attrType: ATTR_CONTENT_TYPE,
      attrValues: [AsnConvert.serialize(new OidValue({ value: id_data }))],
    }),
    new Attribute({
      attrType: ATTR_SIGNING_TIME,
      attrValues: [AsnConvert.serialize(new Time(signingTime))],
    }),
    new Attribute({
      attrType: ATTR_MESSAGE_DIGEST,
      attrValues: [AsnConvert.serialize(new OctetString(digest))],
    }),
  ];
  // DER of SET OF: elements in ascending order of their encodings.
  const encoded = attrs.map((a) => bytes(AsnConvert.serialize(a)));
  const order = encoded.map((e, i) => ({ e, i })).sort((x, y) => compareBytes(x.e, y.e));
  const setBody = concat(order.map((o) => o.e));
  const toSign = concat([new Uint8Array([0x31]), derLength(setBody.length), setBody]);

  const isRsa = privateKey.algorithm.name === 'RSASSA-PKCS1-v1_5';
  const raw = new Uint8Array(
    await globalThis.crypto.subtle.sign(
      isRsa ? 'RSASSA-PKCS1-v1_5' : { name: 'ECDSA', hash: 'SHA-256' },
      privateKey,
      toSign,
    ),
  );
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: cert.tbsCertificate.issuer,
        serialNumber: cert.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
    signedAttrs: order.map((o) => attrs[o.i] as Attribute),
    signatureAlgorithm: new AlgorithmIdentifier({
      algorithm: isRsa ? OID.sha256WithRSA : OID.ecdsaWithSha256,
    }),
    signature: new OctetString(isRsa ? raw : ecdsaRawToDer(raw)),
  });
  const signedData = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([
      new AlgorithmIdentifier({ algorithm: OID.sha256 }),
    ]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet([new CertificateChoices({ certificate: cert })]),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return bytes(
    AsnConvert.serialize(
      new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) }),
    ),
  );
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  }
  return a.length - b.length;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function derLength(n: number): Uint8Array {
  if (n < 0x80) return new Uint8Array([n]);
  const octets: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) octets.unshift(v % 256);
  return new Uint8Array([0x80 | octets.length, ...octets]);
}
