/**
 * Why a signature or certificate was refused: one reason per check, carried as the `reason`
 * of the LedgerError (whose code is SIGNATURE_INVALID or CERTIFICATE_REJECTED), so callers
 * and tests tell refusals apart without reading the message.
 */
import { LedgerError } from '../shared/errors';

/** Refusals of the CMS structure or its signature (LedgerError code SIGNATURE_INVALID). */
export const SIGNATURE_REASONS = {
  /** Not DER ContentInfo(SignedData), or a field that cannot be read. */
  CMS_MALFORMED: 'CMS_MALFORMED',
  /** The content is embedded: the profile accepts detached signatures only. */
  CMS_NOT_DETACHED: 'CMS_NOT_DETACHED',
  /** The encapsulated or signed content type is not id-data (RFC 5652 or GB/T 35275). */
  CMS_CONTENT_TYPE: 'CMS_CONTENT_TYPE',
  /** Not exactly one SignerInfo. */
  CMS_SIGNER_COUNT: 'CMS_SIGNER_COUNT',
  /** A digest algorithm outside the profile, or one that does not suit the signature. */
  CMS_DIGEST_ALGORITHM: 'CMS_DIGEST_ALGORITHM',
  /** No signed attributes: refused by the profile (RFC 5652 allows it; see esign/PROFILE.md). */
  CMS_NO_SIGNED_ATTRIBUTES: 'CMS_NO_SIGNED_ATTRIBUTES',
  /** A signed attribute that must appear once with one value does not. */
  CMS_ATTRIBUTE: 'CMS_ATTRIBUTE',
  /**
   * More certificates (MAX_CARRIED_CERTIFICATES) or CRLs (MAX_CARRIED_CRLS) than a signer's
   * path can need: refused before any signature is checked.
   */
  CMS_CERTIFICATE_LIMIT: 'CMS_CERTIFICATE_LIMIT',
  /** The signer is not named by issuer and serial number, or its certificate is not included. */
  SIGNER_CERTIFICATE_MISSING: 'SIGNER_CERTIFICATE_MISSING',
  /** The message digest differs from the document's: the content was altered. */
  CONTENT_MISMATCH: 'CONTENT_MISMATCH',
  /** The signature does not verify with the signer's key (forged, or another SM2 user ID). */
  SIGNATURE_MISMATCH: 'SIGNATURE_MISMATCH',
  /**
   * An SM2 signature made with an empty user ID instead of the default 1234567812345678 (what
   * OpenSSL 3.0 does when no distid is set); other wrong IDs cannot be told from a forgery.
   */
  SM2_USER_ID_MISMATCH: 'SM2_USER_ID_MISMATCH',
  /** A signature algorithm outside the profile, or not that of the signer's key. */
  ALGORITHM_UNSUPPORTED: 'ALGORITHM_UNSUPPORTED',
} as const;

/** Refusals of a certificate, a path or a revocation list (code CERTIFICATE_REJECTED). */
export const CERTIFICATE_REASONS = {
  CERTIFICATE_MALFORMED: 'CERTIFICATE_MALFORMED',
  SELF_SIGNED_SIGNER: 'SELF_SIGNED_SIGNER',
  /** No CA with the issuer's name is carried or listed: not a recognised authority. */
  ISSUER_UNKNOWN: 'ISSUER_UNKNOWN',
  /** A CA with the issuer's name exists but another key signed (a look-alike CA). */
  ISSUER_KEY_MISMATCH: 'ISSUER_KEY_MISMATCH',
  /** The path would be longer than the verifier builds (MAX_PATH_CERTIFICATES). */
  PATH_TOO_LONG: 'PATH_TOO_LONG',
  /**
   * Path building spent its budget (MAX_PATH_CANDIDATES partial paths, MAX_SIGNATURE_CHECKS
   * certificate and CRL signatures) without finding a path that validates.
   */
  PATH_WORK_LIMIT: 'PATH_WORK_LIMIT',
  AUTHORITY_WITHDRAWN: 'AUTHORITY_WITHDRAWN',
  SIGNER_NOT_YET_VALID: 'SIGNER_NOT_YET_VALID',
  SIGNER_EXPIRED: 'SIGNER_EXPIRED',
  CA_NOT_YET_VALID: 'CA_NOT_YET_VALID',
  CA_EXPIRED: 'CA_EXPIRED',
  /** A certificate in the issuer position is not a CA (basic constraints cA absent or false). */
  CA_NOT_A_CA: 'CA_NOT_A_CA',
  /** A CA certificate without keyCertSign in its key usage. */
  CA_NO_KEY_CERT_SIGN: 'CA_NO_KEY_CERT_SIGN',
  /** More CAs below a CA than its pathLenConstraint allows. */
  PATH_LENGTH_EXCEEDED: 'PATH_LENGTH_EXCEEDED',
  UNKNOWN_CRITICAL_EXTENSION: 'UNKNOWN_CRITICAL_EXTENSION',
  /** A key type, size or curve outside the profile. */
  KEY_UNSUPPORTED: 'KEY_UNSUPPORTED',
  SIGNER_KEY_USAGE: 'SIGNER_KEY_USAGE',
  POLICY_NOT_ACCEPTED: 'POLICY_NOT_ACCEPTED',
  /** No current CRL signed by the issuing CA, neither on the trust list nor in the CMS. */
  CRL_MISSING: 'CRL_MISSING',
  /** The trust list's CRL for a CA is not signed by it. */
  CRL_SIGNATURE_INVALID: 'CRL_SIGNATURE_INVALID',
  /** The trust list's CRL for a CA is not current at the time of the check. */
  CRL_NOT_CURRENT: 'CRL_NOT_CURRENT',
  /** A CRL with a critical extension the verifier does not process. */
  CRL_UNKNOWN_CRITICAL_EXTENSION: 'CRL_UNKNOWN_CRITICAL_EXTENSION',
  SIGNER_REVOKED: 'SIGNER_REVOKED',
  CA_REVOKED: 'CA_REVOKED',
} as const;

export type SignatureReason = keyof typeof SIGNATURE_REASONS;
export type CertificateReason = keyof typeof CERTIFICATE_REASONS;

export const signatureInvalid = (reason: SignatureReason, detail: string): LedgerError =>
  new LedgerError('SIGNATURE_INVALID', detail, reason);
export const certificateRejected = (reason: CertificateReason, detail: string): LedgerError =>
  new LedgerError('CERTIFICATE_REJECTED', detail, reason);
