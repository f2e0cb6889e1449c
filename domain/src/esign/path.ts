/**
 * Certification paths (RFC 5280 §6) from a signer certificate, through the CA certificates
 * the CMS carries and those on the trust list, to a listed authority (a root or an
 * intermediate), and their validation at one time: signatures, basic constraints and path
 * length, keyCertSign, validity, key identifiers, critical extensions, revocation of every
 * certificate in the path, and the signer's policy against the authority's accepted set.
 *
 * Each refusal has its own reason (reasons.ts). Pure: no I/O, WebCrypto and pure SM2 only.
 */
import { equalBytes } from '@clearance/core';
import type { Jurisdiction } from '../declarations/vocabulary';
import { keyKind } from './crypto';
import { signedBy } from './signed-by';
import { CERTIFICATE_REASONS as R, certificateRejected, type CertificateReason } from './reasons';
import {
  KeyUsageFlags,
  hasKeyUsage,
  parseCertificate,
  parseCrl,
  type ParsedCertificate,
  type ParsedCrl,
} from './x509';
import { LedgerError } from '../shared/errors';

/** A recognised certificate authority, as the verifier needs it. */
export interface TrustAnchor {
  authorityId: string;
  jurisdiction: Jurisdiction;
  active: boolean;
  /** The listed authority's certificate: a root or an intermediate. */
  certificate: Uint8Array;
  /** Policy OIDs accepted from this authority; a cert policy matches an entry or lies under it. */
  acceptedPolicies: readonly string[];
  /** Its current CRL (DER); without a current one no certificate it issued is accepted. */
  crl?: Uint8Array;
  /** CA certificates below the authority that paths may go through (besides the CMS's). */
  caCertificates?: readonly Uint8Array[];
  /** Current CRLs of those CAs (DER). */
  crls?: readonly Uint8Array[];
}

/** At most this many certificates below the listed authority (signer included). */
export const MAX_PATH_CERTIFICATES = 6;
/**
 * Bounds on the work one verification may do, whatever an unauthenticated sender puts in the
 * CMS (certificates that issue one another, one key under many names, look-alikes with many
 * keys, deep chains): at most this many certificates and CRLs carried, partial paths tried
 * and certificate or CRL signatures checked. Each check counts, cached or not, so every peer
 * reaches the same answer. A good path of MAX_PATH_CERTIFICATES with a CRL for each
 * certificate needs 12 checks.
 */
export const MAX_CARRIED_CERTIFICATES = 10;
export const MAX_CARRIED_CRLS = 4;
export const MAX_PATH_CANDIDATES = 16;
export const MAX_SIGNATURE_CHECKS = 24;

/** Extensions this verifier processes, or may ignore when critical without harm. */
const KNOWN_EXTENSIONS = new Set([
  '2.5.29.15', // keyUsage
  '2.5.29.19', // basicConstraints
  '2.5.29.32', // certificatePolicies (the signer's are matched against the authority's)
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.37', // extKeyUsage
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.46', // freshestCRL
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
]);
/** CRL extensions understood when critical: cRLNumber, authorityKeyIdentifier. */
const KNOWN_CRL_EXTENSIONS = new Set(['2.5.29.20', '2.5.29.35']);

/** Path building ran out of its budget: ends the search at once (never a validation failure). */
class WorkLimitReached extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/** The work one verification may still do: partial paths and signature checks. */
class WorkBudget {
  private candidates = 0;
  private checks = 0;

  candidate(): void {
    if (++this.candidates > MAX_PATH_CANDIDATES)
      throw new WorkLimitReached(
        `path building gave up after ${MAX_PATH_CANDIDATES} candidate paths`,
      );
  }

  /** signedBy, counted against the budget whether or not its result is cached. */
  async signedBy(ca: ParsedCertificate, issued: Parameters<typeof signedBy>[1]): Promise<boolean> {
    if (++this.checks > MAX_SIGNATURE_CHECKS)
      throw new WorkLimitReached(
        `path building gave up after ${MAX_SIGNATURE_CHECKS} certificate and CRL signature checks`,
      );
    return signedBy(ca, issued);
  }
}

export interface ValidatedPath {
  anchor: TrustAnchor;
  /** The signer first, then each CA up to and including the listed authority's certificate. */
  certificates: ParsedCertificate[];
  /** The signer's policy OID that the authority accepts. */
  policyOid: string;
}

/** A rejection found on the way, kept to explain the refusal if no path validates. */
interface Failure {
  rank: number;
  error: LedgerError;
}
// A complete path that failed validation explains most; then a path too long; then a
// look-alike issuer; last, an issuer nobody carries or lists.
const RANK = { validation: 4, tooLong: 3, keyMismatch: 2, unknown: 1 } as const;

function parseAll(ders: readonly Uint8Array[] | undefined): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const der of ders ?? []) {
    try {
      out.push(parseCertificate(der));
    } catch {
      // A certificate that does not parse cannot be in a path; others may still build one.
    }
  }
  return out;
}

/**
 * Whether `ca` may be the issuer of `cert` by name and key identifier: the names are equal
 * and, when both carry them, the authority key identifier is the CA's subject key identifier.
 * (The signature decides in the end; this only saves checks that must fail.)
 */
function mayHaveIssued(ca: ParsedCertificate, cert: ParsedCertificate): 'yes' | 'name' | 'no' {
  if (!equalBytes(ca.subjectDer, cert.issuerDer)) return 'no';
  if (cert.authorityKeyId && ca.subjectKeyId && !equalBytes(cert.authorityKeyId, ca.subjectKeyId))
    return 'name';
  return 'yes';
}

/** The same CA again in a path: the same name and the same key (RFC 4158 §5.2 loops). */
const sameCa = (a: ParsedCertificate, b: ParsedCertificate): boolean =>
  equalBytes(a.subjectDer, b.subjectDer) && equalBytes(a.spki, b.spki);

/**
 * Builds the paths from `signer` to a listed authority and returns the first that validates
 * at `at`; throws CERTIFICATE_REJECTED with the reason of the most telling failure otherwise,
 * or PATH_WORK_LIMIT once the work budget (MAX_PATH_CANDIDATES, MAX_SIGNATURE_CHECKS) is spent.
 */
export async function validatePath(
  signer: ParsedCertificate,
  carried: readonly ParsedCertificate[],
  carriedCrls: readonly Uint8Array[],
  anchors: readonly TrustAnchor[],
  at: Date,
): Promise<ValidatedPath> {
  if (equalBytes(signer.subjectDer, signer.issuerDer))
    throw certificateRejected(R.SELF_SIGNED_SIGNER, 'self-signed certificates are not accepted');
  if (carried.length > MAX_CARRIED_CERTIFICATES || carriedCrls.length > MAX_CARRIED_CRLS)
    throw certificateRejected(
      R.PATH_WORK_LIMIT,
      `at most ${MAX_CARRIED_CERTIFICATES} certificates and ${MAX_CARRIED_CRLS} CRLs may be carried`,
    );
  try {
    return await buildPath(signer, carried, carriedCrls, anchors, at, new WorkBudget());
  } catch (error) {
    if (error instanceof WorkLimitReached)
      throw certificateRejected(R.PATH_WORK_LIMIT, error.detail);
    throw error;
  }
}

async function buildPath(
  signer: ParsedCertificate,
  carried: readonly ParsedCertificate[],
  carriedCrls: readonly Uint8Array[],
  anchors: readonly TrustAnchor[],
  at: Date,
  budget: WorkBudget,
): Promise<ValidatedPath> {
  const listed = anchors.map((anchor) => ({ anchor, cert: parseCertificate(anchor.certificate) }));
  const isListed = (c: ParsedCertificate) => listed.some((l) => l.cert === c);
  const pool = [...carried, ...anchors.flatMap((a) => parseAll(a.caCertificates))].filter(
    (c, i, all) => c !== signer && !isListed(c) && all.indexOf(c) === i,
  );
  const crls = parseCrls(carriedCrls);
  const failures: Failure[] = [];
  const fail = (rank: number, error: LedgerError) => failures.push({ rank, error });

  const search = async (chain: ParsedCertificate[]): Promise<ValidatedPath | undefined> => {
    const cert = chain[chain.length - 1] as ParsedCertificate;
    budget.candidate();
    let named = false;
    for (const { anchor, cert: ca } of listed) {
      const relation = mayHaveIssued(ca, cert);
      if (relation === 'no') continue;
      named = true;
      if (relation === 'name' || !(await budget.signedBy(ca, cert))) {
        fail(RANK.keyMismatch, lookAlike(cert));
        continue;
      }
      try {
        return await validate([...chain, ca], anchor, crls, at, budget);
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
        fail(RANK.validation, error);
      }
    }
    for (const ca of pool) {
      const relation = mayHaveIssued(ca, cert);
      if (relation === 'no' || chain.some((c) => c === ca || sameCa(c, ca))) continue;
      named = true;
      if (relation === 'name' || !(await budget.signedBy(ca, cert))) {
        fail(RANK.keyMismatch, lookAlike(cert));
        continue;
      }
      if (chain.length >= MAX_PATH_CERTIFICATES) {
        fail(
          RANK.tooLong,
          certificateRejected(
            R.PATH_TOO_LONG,
            `no listed authority within ${MAX_PATH_CERTIFICATES} certificates of the signer`,
          ),
        );
        continue;
      }
      const found = await search([...chain, ca]);
      if (found) return found;
    }
    if (!named)
      fail(
        RANK.unknown,
        certificateRejected(
          R.ISSUER_UNKNOWN,
          `the issuer ${cert.issuer} is not a recognised authority`,
        ),
      );
    return undefined;
  };

  const found = await search([signer]);
  if (found) return found;
  const best = failures.reduce<Failure | undefined>(
    (b, f) => (!b || f.rank > b.rank ? f : b),
    undefined,
  );
  throw best?.error ?? certificateRejected(R.ISSUER_UNKNOWN, `no path to a listed authority`);
}

function lookAlike(cert: ParsedCertificate): LedgerError {
  return certificateRejected(
    R.ISSUER_KEY_MISMATCH,
    `a CA named ${cert.issuer} is carried or listed, but its key did not sign ${cert.subject}`,
  );
}

function parseCrls(ders: readonly Uint8Array[]): ParsedCrl[] {
  const out: ParsedCrl[] = [];
  for (const der of ders) {
    try {
      out.push(parseCrl(der));
    } catch {
      // A CRL the CMS carries that cannot be read is not used.
    }
  }
  return out;
}

function checkValidity(cert: ParsedCertificate, at: Date, isSigner: boolean): void {
  const who = isSigner ? 'the signer' : `the CA ${cert.subject}`;
  if (at < cert.notBefore)
    throw certificateRejected(
      isSigner ? R.SIGNER_NOT_YET_VALID : R.CA_NOT_YET_VALID,
      `${who} certificate is not yet valid at ${at.toISOString()}`,
    );
  if (at > cert.notAfter)
    throw certificateRejected(
      isSigner ? R.SIGNER_EXPIRED : R.CA_EXPIRED,
      `${who} certificate expired before ${at.toISOString()}`,
    );
}

function checkCommon(cert: ParsedCertificate, at: Date, isSigner: boolean): void {
  const unknown = cert.criticalExtensions.filter((oid) => !KNOWN_EXTENSIONS.has(oid));
  if (unknown.length > 0)
    throw certificateRejected(
      R.UNKNOWN_CRITICAL_EXTENSION,
      `${cert.subject} has critical extensions the verifier does not process (${unknown.join(', ')})`,
    );
  if (!keyKind(cert))
    throw certificateRejected(
      R.KEY_UNSUPPORTED,
      `the key of ${cert.subject} is outside the profile (RSA 2048-8192, ECDSA P-256, SM2)`,
    );
  checkValidity(cert, at, isSigner);
}

/** The CA checks of RFC 5280 §6.1.4 (k), (n) this profile needs, besides the path length. */
function checkCa(ca: ParsedCertificate, at: Date): void {
  checkCommon(ca, at, false);
  if (!ca.isCa)
    throw certificateRejected(
      R.CA_NOT_A_CA,
      `${ca.subject} is not a CA certificate (basic constraints)`,
    );
  if (!hasKeyUsage(ca, KeyUsageFlags.keyCertSign))
    throw certificateRejected(
      R.CA_NO_KEY_CERT_SIGN,
      `the CA ${ca.subject} may not sign certificates (key usage lacks keyCertSign)`,
    );
}

/**
 * The CAs from the listed authority down (RFC 5280 §6.1.4 (k)-(m)): each is a CA allowed to
 * sign certificates, and no more CAs follow one than its pathLenConstraint allows.
 */
function checkCas(path: readonly ParsedCertificate[], at: Date): void {
  let remaining = Infinity;
  let limitedBy: ParsedCertificate | undefined;
  for (let i = path.length - 1; i >= 1; i--) {
    const ca = path[i] as ParsedCertificate;
    checkCa(ca, at);
    if (i < path.length - 1) {
      if (remaining <= 0)
        throw certificateRejected(
          R.PATH_LENGTH_EXCEEDED,
          `the CA ${limitedBy?.subject ?? '?'} allows no further CA below it, but ${ca.subject} follows`,
        );
      remaining -= 1;
    }
    if (ca.pathLength !== undefined && ca.pathLength < remaining) {
      remaining = ca.pathLength;
      limitedBy = ca;
    }
  }
}

function policyAccepted(
  policies: readonly string[],
  accepted: readonly string[],
): string | undefined {
  return policies.find((p) => accepted.some((a) => p === a || p.startsWith(`${a}.`)));
}

async function validate(
  path: ParsedCertificate[],
  anchor: TrustAnchor,
  carriedCrls: readonly ParsedCrl[],
  at: Date,
  budget: WorkBudget,
): Promise<ValidatedPath> {
  if (!anchor.active)
    throw certificateRejected(
      R.AUTHORITY_WITHDRAWN,
      `authority ${anchor.authorityId} is no longer recognised`,
    );
  checkCas(path, at);
  const signer = path[0] as ParsedCertificate;
  checkCommon(signer, at, true);
  if (
    !hasKeyUsage(signer, KeyUsageFlags.digitalSignature) &&
    !hasKeyUsage(signer, KeyUsageFlags.nonRepudiation)
  )
    throw certificateRejected(
      R.SIGNER_KEY_USAGE,
      'the signer certificate is not for digital signatures (key usage)',
    );
  const policyOid = policyAccepted(signer.policies, anchor.acceptedPolicies);
  if (!policyOid)
    throw certificateRejected(
      R.POLICY_NOT_ACCEPTED,
      `no certificate policy of the signer (${signer.policies.join(', ') || 'none'}) is among those ` +
        `${anchor.authorityId} accepts (${anchor.acceptedPolicies.join(', ')})`,
    );
  // Revocation of every certificate below the listed authority, by its issuer's CRL.
  for (let i = 0; i < path.length - 1; i++) {
    await checkRevocation(path[i] as ParsedCertificate, path[i + 1] as ParsedCertificate, i === 0, {
      anchor,
      issuerIsAnchor: i === path.length - 2,
      carriedCrls,
      at,
      budget,
    });
  }
  return { anchor, certificates: path, policyOid };
}

interface RevocationContext {
  anchor: TrustAnchor;
  issuerIsAnchor: boolean;
  carriedCrls: readonly ParsedCrl[];
  at: Date;
  budget: WorkBudget;
}

/** Why a CRL of `ca` cannot be used at `at`, or undefined when it can. */
async function crlProblem(
  crl: ParsedCrl,
  ca: ParsedCertificate,
  at: Date,
  budget: WorkBudget,
): Promise<CertificateReason | undefined> {
  if (!equalBytes(crl.issuerDer, ca.subjectDer) || !(await budget.signedBy(ca, crl)))
    return 'CRL_SIGNATURE_INVALID';
  if (crl.thisUpdate > at || (crl.nextUpdate && crl.nextUpdate < at)) return 'CRL_NOT_CURRENT';
  if (crl.criticalExtensions.some((oid) => !KNOWN_CRL_EXTENSIONS.has(oid)))
    return 'CRL_UNKNOWN_CRITICAL_EXTENSION';
  if (!hasKeyUsage(ca, KeyUsageFlags.cRLSign)) return 'CRL_SIGNATURE_INVALID';
  return undefined;
}

async function checkRevocation(
  cert: ParsedCertificate,
  ca: ParsedCertificate,
  isSigner: boolean,
  { anchor, issuerIsAnchor, carriedCrls, at, budget }: RevocationContext,
): Promise<void> {
  const listedCrls = [
    ...(issuerIsAnchor && anchor.crl ? [parseCrl(anchor.crl)] : []),
    ...parseCrls(anchor.crls ?? []).filter((crl) => equalBytes(crl.issuerDer, ca.subjectDer)),
  ];
  const usable: ParsedCrl[] = [];
  let listedProblem: CertificateReason | undefined;
  for (const crl of listedCrls) {
    const problem = await crlProblem(crl, ca, at, budget);
    if (problem) listedProblem ??= problem;
    else usable.push(crl);
  }
  // CRLs the CMS carries count only when signed by their CA and current; others are ignored.
  for (const crl of carriedCrls) {
    if (equalBytes(crl.issuerDer, ca.subjectDer) && !(await crlProblem(crl, ca, at, budget)))
      usable.push(crl);
  }
  const who = issuerIsAnchor ? anchor.authorityId : ca.subject;
  if (usable.length === 0) {
    if (listedProblem === 'CRL_SIGNATURE_INVALID')
      throw certificateRejected(listedProblem, `the revocation list of ${who} is not signed by it`);
    if (listedProblem === 'CRL_NOT_CURRENT')
      throw certificateRejected(
        listedProblem,
        `the revocation list of ${who} is not current at ${at.toISOString()}`,
      );
    if (listedProblem)
      throw certificateRejected(
        listedProblem,
        `the revocation list of ${who} has a critical extension the verifier does not process`,
      );
    throw certificateRejected(R.CRL_MISSING, `no revocation list for authority ${who}`);
  }
  for (const crl of usable) {
    const revokedAt = crl.revoked.get(cert.serialHex);
    if (revokedAt && revokedAt <= at)
      throw certificateRejected(
        isSigner ? R.SIGNER_REVOKED : R.CA_REVOKED,
        `${isSigner ? 'certificate' : 'the CA certificate'} ${cert.serialHex} (${cert.subject}) was revoked on ${revokedAt.toISOString()}`,
      );
  }
}
