/**
 * The mutual-recognition trust list: certificate authorities each side recognises, with
 * jurisdiction, accepted certificate policies and the current revocation list.
 */
import { equalBytes } from '@clearance/core';
import { z } from 'zod';
import policy from '../shared/access-policy.json';
import {
  KeyUsageFlags,
  hasKeyUsage,
  parseCertificate,
  parseCrl,
  pemToDer,
  type ParsedCertificate,
} from '../esign/x509';
import { verifySignature } from '../esign/crypto';
import type { TrustAnchor } from '../esign/path';
import { LedgerError } from '../shared/errors';
import type { Actor, Jurisdiction } from '../declarations/vocabulary';
import { JURISDICTIONS } from '../declarations/declaration';
import { StorableText } from '../shared/text';

const OID = z.string().regex(/^[0-2](\.(0|[1-9]\d*))+$/, 'a dotted object identifier');

export const AuthorityInputSchema = z
  .object({
    authorityId: z.string().regex(/^[A-Z0-9][A-Z0-9_-]{1,63}$/, '2-64 of A-Z 0-9 _ -'),
    name: StorableText.trim().min(1).max(140),
    jurisdiction: z.enum(JURISDICTIONS),
    caCertPem: StorableText.min(1).max(16_384),
    acceptedPolicies: z.array(OID).min(1).max(20),
    /**
     * Whose declarations its signers may sign; absent: both jurisdictions (mutual
     * recognition). A dual filing needs its signer recognised for both.
     */
    recognisedFor: z.array(z.enum(JURISDICTIONS)).min(1).max(2).optional(),
    crlPem: StorableText.min(1).max(1_048_576).optional(),
    /**
     * CA certificates below the authority that signers' paths may go through (each issued
     * by the authority or by one listed before it), for signatures that do not carry them.
     */
    caCertificatesPem: z.array(StorableText.min(1).max(16_384)).max(8).optional(),
  })
  .strict();
export type AuthorityInput = z.infer<typeof AuthorityInputSchema>;

export interface CrlInfo {
  pem: string;
  /** The issuing CA's subject (on CRLs of the authority's listed CAs). */
  issuer?: string;
  thisUpdate: string;
  nextUpdate: string | null;
  revokedCount: number;
}

export interface AuthorityRecord {
  authorityId: string;
  name: string;
  jurisdiction: Jurisdiction;
  status: 'ACTIVE' | 'WITHDRAWN';
  caCertPem: string;
  subject: string;
  notAfter: string;
  acceptedPolicies: string[];
  /** Whose declarations its signers may sign (absent: both). */
  recognisedFor?: Jurisdiction[];
  crl: CrlInfo | null;
  /** CA certificates below the authority (absent on records from before paths). */
  caCertificates?: { pem: string; subject: string; notAfter: string }[];
  /** The current CRL of each listed CA below the authority. */
  caCrls?: CrlInfo[];
  /** Who proposed the last change (or updated the CRL), and when it took effect. */
  updatedBy: Actor & { at: string; txId: string; reason: string };
  /** Who approved the last change, of the other customs service (absent on CRL updates only). */
  approvedBy?: Actor & { at: string; txId: string; reason: string };
}

export const TRUST_LIST_ENDORSERS: readonly string[] = policy.trustListEndorsers;

export function requireTrustAdmin(actor: Actor): void {
  if (!policy.trustList.some(([msp, role]) => msp === actor.mspId && role === actor.role)) {
    throw new LedgerError(
      'FORBIDDEN',
      `${actor.mspId} with role ${actor.role ?? '(none)'} may not change the trust list`,
    );
  }
}

/** Checks a CA certificate for the list: a CA able to sign certificates, valid at `at`. */
export function checkAuthorityCertificate(pem: string, at: Date): ParsedCertificate {
  const cert = parseCertificate(pemToDer(pem));
  if (!cert.isCa || !hasKeyUsage(cert, KeyUsageFlags.keyCertSign)) {
    throw new LedgerError(
      'CERTIFICATE_REJECTED',
      'the certificate is not a CA certificate (basic constraints, key usage)',
    );
  }
  if (at < cert.notBefore || at > cert.notAfter) {
    throw new LedgerError('CERTIFICATE_REJECTED', 'the CA certificate is not valid now');
  }
  return cert;
}

/**
 * Checks the CA certificates listed below an authority: each a CA able to sign certificates,
 * valid at `at`, and issued (signature checked) by the authority or one listed before it.
 */
export async function checkCaCertificates(
  pems: readonly string[],
  authority: ParsedCertificate,
  at: Date,
): Promise<NonNullable<AuthorityRecord['caCertificates']>> {
  const issuers = [authority];
  const out: NonNullable<AuthorityRecord['caCertificates']> = [];
  for (const pem of pems) {
    const cert = checkAuthorityCertificate(pem, at);
    let issued = false;
    for (const issuer of issuers) {
      if (
        equalBytes(issuer.subjectDer, cert.issuerDer) &&
        (await verifySignature(issuer, cert.signatureAlgorithm, cert.signature, cert.tbs))
      ) {
        issued = true;
        break;
      }
    }
    if (!issued)
      throw new LedgerError(
        'CERTIFICATE_REJECTED',
        `${cert.subject} is not issued by the authority or a CA listed before it`,
        'ISSUER_UNKNOWN',
      );
    issuers.push(cert);
    out.push({ pem, subject: cert.subject, notAfter: cert.notAfter.toISOString() });
  }
  return out;
}

/**
 * The authority record with `crlPem` as the CRL of whichever CA issued it: the authority
 * itself or one of the CAs listed below it. Throws unless a listed CA signed it and it is
 * newer than the one it replaces.
 */
export async function withRevocationList(
  record: AuthorityRecord,
  crlPem: string,
  at: Date,
): Promise<AuthorityRecord> {
  const issuerDer = parseCrl(pemToDer(crlPem)).issuerDer;
  const authority = checkAuthorityCertificate(record.caCertPem, at);
  if (equalBytes(issuerDer, authority.subjectDer))
    return { ...record, crl: await checkRevocationList(crlPem, authority, record.crl) };
  for (const listed of record.caCertificates ?? []) {
    const ca = parseCertificate(pemToDer(listed.pem));
    if (!equalBytes(issuerDer, ca.subjectDer)) continue;
    const others = (record.caCrls ?? []).filter((c) => c.issuer !== ca.subject);
    const previous = (record.caCrls ?? []).find((c) => c.issuer === ca.subject) ?? null;
    const crl = { ...(await checkRevocationList(crlPem, ca, previous)), issuer: ca.subject };
    return { ...record, caCrls: [...others, crl] };
  }
  throw new LedgerError(
    'CERTIFICATE_REJECTED',
    'the revocation list is not signed by this authority',
    'CRL_SIGNATURE_INVALID',
  );
}

/** Checks that `crlPem` is signed by the CA and newer than `previous`; returns its summary. */
export async function checkRevocationList(
  crlPem: string,
  ca: ParsedCertificate,
  previous: CrlInfo | null,
): Promise<CrlInfo> {
  const crl = parseCrl(pemToDer(crlPem));
  const signedByCa =
    crl.issuerDer.length === ca.subjectDer.length &&
    crl.issuerDer.every((b, i) => b === ca.subjectDer[i]) &&
    (await verifySignature(ca, crl.signatureAlgorithm, crl.signature, crl.tbs));
  if (!signedByCa)
    throw new LedgerError(
      'CERTIFICATE_REJECTED',
      'the revocation list is not signed by this authority',
    );
  if (previous && crl.thisUpdate <= new Date(previous.thisUpdate)) {
    throw new LedgerError('CONFLICT', 'the revocation list is not newer than the one on the list');
  }
  return {
    pem: crlPem,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate?.toISOString() ?? null,
    revokedCount: crl.revoked.size,
  };
}

/** What a trust anchor is made of (a whole record, or one parsed from a ledger result). */
export type AnchorSource = Pick<
  AuthorityRecord,
  'authorityId' | 'jurisdiction' | 'status' | 'caCertPem' | 'acceptedPolicies' | 'crl'
> & { caCertificates?: { pem: string }[] | undefined; caCrls?: { pem: string }[] | undefined };

export function toTrustAnchor(record: AnchorSource): TrustAnchor {
  return {
    authorityId: record.authorityId,
    jurisdiction: record.jurisdiction,
    active: record.status === 'ACTIVE',
    certificate: pemToDer(record.caCertPem),
    acceptedPolicies: record.acceptedPolicies,
    ...(record.crl ? { crl: pemToDer(record.crl.pem) } : {}),
    ...(record.caCertificates?.length
      ? { caCertificates: record.caCertificates.map((c) => pemToDer(c.pem)) }
      : {}),
    ...(record.caCrls?.length ? { crls: record.caCrls.map((c) => pemToDer(c.pem)) } : {}),
  };
}
