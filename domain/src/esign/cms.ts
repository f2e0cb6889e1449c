/**
 * Detached CMS (PKCS#7) signatures over filings, checked against the mutual-recognition
 * trust list: signature, signer certificate issued by a recognised authority, validity
 * and revocation at the given time, accepted certificate policy, key usage.
 *
 * Built on the ASN.1 schemas of @peculiar/asn1-cms / asn1-x509 and WebCrypto; node-forge
 * can make PKCS#7 but not verify it, and pkijs would hide the checks we must record.
 */
import { asBytes, equalBytes, toHex } from '@clearance/core';
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
import type { SignatureEvidence } from '../declarations/lifecycle';
import {
  childrenOf,
  readTlv,
  signedAttributesForVerification,
  splitSignedData,
  type Tlv,
} from './der';
import {
  OID,
  ecdsaRawToDer,
  keyKind,
  sha256,
  signatureAlgorithmName,
  verifySignature,
  type CryptoKey,
  type KeyKind,
} from './crypto';
import { MAX_CARRIED_CERTIFICATES, MAX_CARRIED_CRLS, validatePath, type TrustAnchor } from './path';
import {
  CERTIFICATE_REASONS,
  SIGNATURE_REASONS,
  certificateRejected,
  signatureInvalid,
} from './reasons';
import { isSm2SigningKey, sm2Verify, type Sm2SigningKey } from './sm2';
import { signerIdOf } from './signer-id';
import { sm3 } from './sm3';
import { parseCertificate, serialHex, type ParsedCertificate } from './x509';

const ATTR_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ATTR_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ATTR_SIGNING_TIME = '1.2.840.113549.1.9.5';
/** GB/T 35275 data content type (1.2.156.10197.6.1.4.2.1), the SM2 twin of id-data. */
export const ID_GM_DATA = '1.2.156.10197.6.1.4.2.1';
export const ID_GM_SIGNED_DATA = '1.2.156.10197.6.1.4.2.2';

export type { TrustAnchor };

/** The evidence of a signature verified now: its signer id is always there. */
export type VerifiedSignature = SignatureEvidence & { signerId: string };

/** An OBJECT IDENTIFIER as an attribute value (the content-type attribute). */
@AsnType({ type: AsnTypeTypes.Choice })
class OidValue {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  value = '';

  constructor(params: Partial<OidValue> = {}) {
    Object.assign(this, params);
  }
}

const S = SIGNATURE_REASONS;

function attribute(attrs: Attribute[], oid: string): ArrayBuffer | undefined {
  const found = attrs.filter((a) => a.attrType === oid);
  if (found.length > 1 || (found[0] && found[0].attrValues.length !== 1)) {
    throw signatureInvalid(
      S.CMS_ATTRIBUTE,
      `signed attribute ${oid} must appear once with one value`,
    );
  }
  return found[0]?.attrValues[0];
}

interface SignedFields {
  encapContentInfo: EncapsulatedContentInfo;
  certificates: Uint8Array[];
  crls: Uint8Array[];
  signerInfos: SignerInfos;
  /** The first signer's signed attributes as the signature covers them. */
  signedAttrs: Uint8Array | undefined;
  gmContentType: boolean;
}

function parseSignedData(cms: Uint8Array): SignedFields {
  try {
    const parts = splitSignedData(cms);
    return {
      encapContentInfo: AsnConvert.parse(parts.encapContentInfo, EncapsulatedContentInfo),
      certificates: parts.certificates,
      crls: parts.crls,
      signerInfos: AsnConvert.parse(parts.signerInfos, SignerInfos),
      signedAttrs: signedAttributesForVerification(parts.signerInfos),
      gmContentType: parts.gmContentType,
    };
  } catch {
    throw signatureInvalid(S.CMS_MALFORMED, 'the signature is not a DER CMS SignedData structure');
  }
}

function findSigner(certificates: ParsedCertificate[], info: SignerInfo): ParsedCertificate {
  const sid = info.sid.issuerAndSerialNumber;
  if (!sid)
    throw signatureInvalid(
      S.SIGNER_CERTIFICATE_MISSING,
      'the signer must be identified by issuer and serial number',
    );
  const wantIssuer = asBytes(AsnConvert.serialize(sid.issuer));
  const wantSerial = serialHex(sid.serialNumber);
  const found = certificates.find(
    (cert) => equalBytes(cert.issuerDer, wantIssuer) && cert.serialHex === wantSerial,
  );
  if (!found)
    throw signatureInvalid(
      S.SIGNER_CERTIFICATE_MISSING,
      'the signer certificate is not included in the signature',
    );
  return found;
}

function parseCarried(certificates: Uint8Array[]): ParsedCertificate[] {
  return certificates.map((der) => {
    try {
      return parseCertificate(der);
    } catch {
      throw signatureInvalid(
        S.CMS_MALFORMED,
        'a certificate in the signature is not a DER X.509 certificate',
      );
    }
  });
}

/** The signature algorithms the profile accepts in a SignerInfo, by the signer's key. */
const SIGNER_ALGORITHMS: Record<KeyKind, { signature: readonly string[]; digest: string }> = {
  RSA: { signature: [OID.sha256WithRSA, OID.rsaEncryption], digest: OID.sha256 },
  'P-256': { signature: [OID.ecdsaWithSha256], digest: OID.sha256 },
  SM2: { signature: [OID.sm3WithSm2, OID.sm2Sign], digest: OID.sm3 },
};

async function digestOf(algorithm: string, content: Uint8Array): Promise<Uint8Array> {
  return algorithm === OID.sm3 ? sm3(content) : sha256(content);
}

/**
 * Verifies a detached CMS signature over `content` at time `at` (the transaction time on
 * the ledger), building the certification path to a listed authority (path.ts). Returns the
 * evidence to record; throws SIGNATURE_INVALID or CERTIFICATE_REJECTED with a `reason`
 * (reasons.ts). The accepted shapes are written down in PROFILE.md.
 */
export async function verifyDetachedSignature(
  content: Uint8Array,
  cms: Uint8Array,
  anchors: readonly TrustAnchor[],
  at: Date,
): Promise<VerifiedSignature> {
  const signed = parseSignedData(cms); // throws on anything that is not SignedData
  // Bounded work before anything is parsed further or any signature is checked.
  if (
    signed.certificates.length > MAX_CARRIED_CERTIFICATES ||
    signed.crls.length > MAX_CARRIED_CRLS
  )
    throw signatureInvalid(
      S.CMS_CERTIFICATE_LIMIT,
      `a signature may carry at most ${MAX_CARRIED_CERTIFICATES} certificates and ${MAX_CARRIED_CRLS} CRLs`,
    );
  const dataType = signed.gmContentType ? ID_GM_DATA : id_data;
  if (signed.encapContentInfo.eContent)
    throw signatureInvalid(
      S.CMS_NOT_DETACHED,
      'the signature must be detached (no embedded content)',
    );
  if (signed.encapContentInfo.eContentType !== dataType)
    throw signatureInvalid(S.CMS_CONTENT_TYPE, 'the signed content type must be id-data');
  if (signed.signerInfos.length !== 1)
    throw signatureInvalid(S.CMS_SIGNER_COUNT, 'exactly one signer is expected');
  const info = signed.signerInfos[0] as SignerInfo;
  const carried = parseCarried(signed.certificates);
  const signer = findSigner(carried, info);
  const kind = keyKind(signer);
  if (!kind)
    throw certificateRejected(
      CERTIFICATE_REASONS.KEY_UNSUPPORTED,
      'the signer key is outside the profile (RSA 2048-8192, ECDSA P-256, SM2)',
    );
  const accepted = SIGNER_ALGORITHMS[kind];
  const signatureAlgorithm = info.signatureAlgorithm.algorithm;
  if (!accepted.signature.includes(signatureAlgorithm))
    throw signatureInvalid(
      S.ALGORITHM_UNSUPPORTED,
      `signature algorithm ${signatureAlgorithm} is not accepted for a ${kind} key`,
    );
  if (info.digestAlgorithm.algorithm !== accepted.digest)
    throw signatureInvalid(
      S.CMS_DIGEST_ALGORITHM,
      `the digest algorithm must be ${kind === 'SM2' ? 'SM3' : 'SHA-256'} for a ${kind} signature`,
    );

  const contentDigest = await digestOf(accepted.digest, content);
  let signingTime: Date | undefined;
  let covered = content; // without signed attributes the signature covers the content
  if (info.signedAttrs && signed.signedAttrs) {
    const contentType = attribute(info.signedAttrs, ATTR_CONTENT_TYPE);
    if (!contentType || AsnConvert.parse(contentType, OidValue).value !== dataType)
      throw signatureInvalid(S.CMS_CONTENT_TYPE, 'the content-type attribute must be id-data');
    const digest = attribute(info.signedAttrs, ATTR_MESSAGE_DIGEST);
    if (
      !digest ||
      !equalBytes(asBytes(AsnConvert.parse(digest, OctetString).buffer), contentDigest)
    )
      throw signatureInvalid(S.CONTENT_MISMATCH, 'the document does not match what was signed');
    const signingTimeRaw = attribute(info.signedAttrs, ATTR_SIGNING_TIME);
    signingTime = signingTimeRaw ? AsnConvert.parse(signingTimeRaw, Time).getTime() : undefined;
    covered = signed.signedAttrs;
  }
  const signature = asBytes(info.signature.buffer);
  if (!(await verifySignature(signer, signatureAlgorithm, signature, covered))) {
    if (kind === 'SM2' && sm2Verify(signer.publicKey, covered, signature, new Uint8Array(0)))
      throw signatureInvalid(
        S.SM2_USER_ID_MISMATCH,
        'the SM2 signature was made with an empty user ID, not the default 1234567812345678',
      );
    throw signatureInvalid(
      S.SIGNATURE_MISMATCH,
      'the signature does not verify with the signer certificate',
    );
  }

  const path = await validatePath(signer, carried, signed.crls, anchors, at);
  const authority = path.certificates[path.certificates.length - 1] as ParsedCertificate;
  return {
    signerId: await signerIdOf(path.anchor.authorityId, authority, signer),
    signerSubject: signer.subject,
    issuer: signer.issuer,
    serialNumber: signer.serialHex,
    jurisdiction: path.anchor.jurisdiction,
    authorityId: path.anchor.authorityId,
    policyOid: path.policyOid,
    certificateSha256: toHex(await sha256(signer.der)),
    contentSha256: toHex(await sha256(content)),
    ...(signingTime ? { signingTime: signingTime.toISOString() } : {}),
    signatureAlgorithm: signatureAlgorithmName(kind),
    certificationPath: path.certificates.map((c) => c.subject),
  };
}

/** How signDetached shapes the CMS (both shapes verify; see PROFILE.md). */
export interface SignOptions {
  /** GB/T 35275 content-type OIDs (signedData, data) instead of RFC 5652's. */
  gbt35275?: boolean;
  /** false: no signed attributes, the signature over the content itself. Default true. */
  signedAttributes?: boolean;
  /** The SM2 user ID in Z (tests only: verifiers expect the default 1234567812345678). */
  sm2UserId?: Uint8Array;
  /** Extra certificates to carry (the intermediates of the signer's path). */
  certificates?: readonly Uint8Array[];
  /** CRLs to carry in the crls field. */
  crls?: readonly Uint8Array[];
}

/** A private key signDetached can use: a WebCrypto RSA or ECDSA P-256 key, or an SM2 key. */
export type SigningKey = CryptoKey | Sm2SigningKey;

/**
 * Makes a detached CMS signature (what the portal does in the browser, and the test PKI
 * in tests): SHA-256 (RSA, ECDSA) or SM3 (SM2) digest, content-type, message-digest and
 * signing-time attributes.
 */
export async function signDetached(
  content: Uint8Array,
  certificateDer: Uint8Array,
  privateKey: SigningKey,
  signingTime: Date,
  options: SignOptions = {},
): Promise<Uint8Array> {
  const cert = AsnConvert.parse(certificateDer, Certificate);
  const sm2 = isSm2SigningKey(privateKey) ? privateKey : undefined;
  const isRsa = !sm2 && privateKey.algorithm.name === 'RSASSA-PKCS1-v1_5';
  const digestOid = sm2 ? OID.sm3 : OID.sha256;
  const dataType = options.gbt35275 ? ID_GM_DATA : id_data;
  const digest = await digestOf(digestOid, content);
  const attrs = [
    new Attribute({
      attrType: ATTR_CONTENT_TYPE,
      attrValues: [AsnConvert.serialize(new OidValue({ value: dataType }))],
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
  const encoded = attrs.map((a) => asBytes(AsnConvert.serialize(a)));
  const order = encoded.map((e, i) => ({ e, i })).sort((x, y) => compareBytes(x.e, y.e));
  const setBody = concat(order.map((o) => o.e));
  const withAttributes = options.signedAttributes ?? true;
  const toSign = withAttributes
    ? concat([new Uint8Array([0x31]), derLength(setBody.length), setBody])
    : content;

  let signature: Uint8Array;
  if (sm2) {
    signature = sm2.sign(toSign, options.sm2UserId);
  } else {
    const key = privateKey as CryptoKey;
    const raw = new Uint8Array(
      await globalThis.crypto.subtle.sign(
        isRsa ? 'RSASSA-PKCS1-v1_5' : { name: 'ECDSA', hash: 'SHA-256' },
        key,
        toSign,
      ),
    );
    signature = isRsa ? raw : ecdsaRawToDer(raw);
  }
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: cert.tbsCertificate.issuer,
        serialNumber: cert.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: digestOid }),
    ...(withAttributes ? { signedAttrs: order.map((o) => attrs[o.i] as Attribute) } : {}),
    signatureAlgorithm: new AlgorithmIdentifier({
      algorithm: sm2 ? OID.sm3WithSm2 : isRsa ? OID.sha256WithRSA : OID.ecdsaWithSha256,
    }),
    signature: new OctetString(signature),
  });
  const extra = (options.certificates ?? []).map((der) => AsnConvert.parse(der, Certificate));
  const signedData = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([
      new AlgorithmIdentifier({ algorithm: digestOid }),
    ]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: dataType }),
    certificates: new CertificateSet(
      [cert, ...extra].map((c) => new CertificateChoices({ certificate: c })),
    ),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return asBytes(
    AsnConvert.serialize(
      new ContentInfo({
        contentType: options.gbt35275 ? ID_GM_SIGNED_DATA : id_signedData,
        content: withCrls(asBytes(AsnConvert.serialize(signedData)), options.crls ?? []),
      }),
    ),
  );
}

/**
 * SignedData with the CRLs in its crls [1] field, just before signerInfos (the schema's
 * RevocationInfoChoice only knows the `other` choice, so the field is written as DER here).
 */
function withCrls(signedData: Uint8Array, crls: readonly Uint8Array[]): ArrayBuffer {
  if (crls.length === 0) return signedData.slice().buffer;
  const fields = childrenOf(signedData, readTlv(signedData, 0));
  const slice = (t: Tlv) => signedData.subarray(t.start, t.end);
  const sorted = [...crls].sort(compareBytes); // DER SET OF order
  const crlsField = concat([Uint8Array.of(0xa1), derLength(sumLength(sorted)), ...sorted]);
  const body = [...fields.slice(0, -1).map(slice), crlsField, slice(fields.at(-1) as Tlv)];
  return concat([Uint8Array.of(0x30), derLength(sumLength(body)), ...body]).buffer as ArrayBuffer;
}

const sumLength = (parts: Uint8Array[]): number => parts.reduce((n, p) => n + p.length, 0);

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
