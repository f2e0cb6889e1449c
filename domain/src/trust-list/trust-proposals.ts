/**
 * Changes to the mutual-recognition trust list need both customs services' consent: a
 * trust administrator of one proposes (add, update or withdraw an authority), a trust
 * administrator of the other approves, and only the approval changes the list. A pending
 * proposal has no effect on sign-in or filings. Both acts are decided by the caller's client
 * identity (MSP and `role` attribute), not by which peers endorsed: endorsement proves that
 * the code ran, not that the organisation agreed.
 *
 * - Approval: a trust administrator of another customs service than the proposer's, and
 *   the change must have the consent of the jurisdiction it concerns (its customs service
 *   proposed or approves it); rejection likewise.
 * - Withdrawal: a trust administrator of the proposer's own customs service.
 * - A CRL update stays one step (TrustList:UpdateRevocationList): a CRL counts only when
 *   the CA it concerns signed it and it is newer than the listed one, so the CA itself is
 *   the consent and no administrator can forge or roll one back.
 *
 * Pure: the contract does the ledger I/O (contracts/trust-list.ts).
 */
import { z } from 'zod';
import policy from '../shared/access-policy.json';
import { LedgerError } from '../shared/errors';
import type { Actor, Jurisdiction } from '../declarations/vocabulary';
import { StorableText } from '../shared/text';
import {
  AuthorityInputSchema,
  checkAuthorityCertificate,
  checkCaCertificates,
  checkRevocationList,
  requireTrustAdmin,
  type AuthorityRecord,
} from './trust-list';

const AuthorityId = AuthorityInputSchema.shape.authorityId;
const Reason = StorableText.trim().min(1).max(512);

/** What an update may change: the name, the accepted policies, the CA list below. */
export const AuthorityUpdateSchema = AuthorityInputSchema.pick({
  authorityId: true,
  name: true,
  acceptedPolicies: true,
  caCertificatesPem: true,
}).strict();
export type AuthorityUpdate = z.infer<typeof AuthorityUpdateSchema>;

export const TRUST_CHANGE_KINDS = ['ADD', 'UPDATE', 'WITHDRAW'] as const;

export const TrustChangeSchema = z
  .discriminatedUnion('change', [
    z
      .object({ change: z.literal('ADD'), authority: AuthorityInputSchema, reason: Reason })
      .strict(),
    z
      .object({ change: z.literal('UPDATE'), authority: AuthorityUpdateSchema, reason: Reason })
      .strict(),
    z.object({ change: z.literal('WITHDRAW'), authorityId: AuthorityId, reason: Reason }).strict(),
  ])
  .meta({ id: 'TrustChange' });
export type TrustChange = z.infer<typeof TrustChangeSchema>;

export const PROPOSAL_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** Who acted on a proposal, when, in which transaction, and why. */
export type ProposalAct = Actor & { at: string; txId: string; reason: string };

export interface TrustProposalRecord {
  /** The id of the transaction that proposed it. */
  proposalId: string;
  authorityId: string;
  /** The jurisdiction the change concerns (the authority's). */
  jurisdiction: Jurisdiction;
  change: TrustChange;
  status: ProposalStatus;
  proposedBy: ProposalAct;
  /** The approval, rejection or withdrawal. */
  decidedBy: ProposalAct | null;
}

/** The customs service (MSP) whose consent a jurisdiction's changes need. */
export const JURISDICTION_MSP: Readonly<Record<Jurisdiction, string>> =
  policy.trustListJurisdictions;

export const authorityIdOf = (change: TrustChange): string =>
  change.change === 'WITHDRAW' ? change.authorityId : change.authority.authorityId;

/** The jurisdiction a change concerns: the new authority's, or the listed one's. */
export function jurisdictionOf(change: TrustChange, existing?: AuthorityRecord): Jurisdiction {
  if (change.change === 'ADD') return change.authority.jurisdiction;
  if (!existing)
    throw new LedgerError(
      'NOT_FOUND',
      `authority ${authorityIdOf(change)} is not on the trust list`,
    );
  return existing.jurisdiction;
}

export function requireProposer(actor: Actor): void {
  requireTrustAdmin(actor);
}

/** Approval or rejection: the other customs service, with the jurisdiction's consent. */
export function requireDecider(proposal: TrustProposalRecord, actor: Actor): void {
  requireTrustAdmin(actor);
  if (actor.mspId === proposal.proposedBy.mspId)
    throw new LedgerError(
      'FORBIDDEN',
      `a change proposed by ${proposal.proposedBy.mspId} needs the other customs service to decide on it`,
    );
  const concerned = JURISDICTION_MSP[proposal.jurisdiction];
  if (concerned !== actor.mspId && concerned !== proposal.proposedBy.mspId)
    throw new LedgerError(
      'FORBIDDEN',
      `a change to a ${proposal.jurisdiction} authority needs ${concerned}'s consent`,
    );
}

/** Withdrawal: the proposer's own customs service. */
export function requireWithdrawer(proposal: TrustProposalRecord, actor: Actor): void {
  requireTrustAdmin(actor);
  if (actor.mspId !== proposal.proposedBy.mspId)
    throw new LedgerError(
      'FORBIDDEN',
      `only ${proposal.proposedBy.mspId}, which proposed it, may withdraw this proposal`,
    );
}

export function requirePending(proposal: TrustProposalRecord): void {
  if (proposal.status !== 'PENDING')
    throw new LedgerError(
      'INVALID_STATE',
      `proposal ${proposal.proposalId} is already ${proposal.status}`,
    );
}

/**
 * The authority record the change makes of `existing` (undefined: not listed), checked as
 * of `at` (certificates valid, CA list issued by the authority): run when a change is
 * proposed, so a bad one is refused at once, and again when it is approved.
 */
export async function applyTrustChange(
  existing: AuthorityRecord | undefined,
  change: TrustChange,
  updatedBy: AuthorityRecord['updatedBy'],
): Promise<AuthorityRecord> {
  const at = new Date(updatedBy.at);
  if (change.change === 'ADD') {
    const input = change.authority;
    if (existing)
      throw new LedgerError('ALREADY_EXISTS', `authority ${input.authorityId} is already listed`);
    const cert = checkAuthorityCertificate(input.caCertPem, at);
    const crl = input.crlPem ? await checkRevocationList(input.crlPem, cert, null) : null;
    const caCertificates = input.caCertificatesPem?.length
      ? await checkCaCertificates(input.caCertificatesPem, cert, at)
      : undefined;
    return {
      authorityId: input.authorityId,
      name: input.name,
      jurisdiction: input.jurisdiction,
      status: 'ACTIVE',
      caCertPem: input.caCertPem,
      subject: cert.subject,
      notAfter: cert.notAfter.toISOString(),
      acceptedPolicies: input.acceptedPolicies,
      ...(input.recognisedFor ? { recognisedFor: [...new Set(input.recognisedFor)] } : {}),
      crl,
      ...(caCertificates ? { caCertificates } : {}),
      updatedBy,
    };
  }
  const id = authorityIdOf(change);
  if (!existing) throw new LedgerError('NOT_FOUND', `authority ${id} is not on the trust list`);
  if (existing.status === 'WITHDRAWN')
    throw new LedgerError('INVALID_STATE', `authority ${id} is already withdrawn`);
  if (change.change === 'WITHDRAW') return { ...existing, status: 'WITHDRAWN', updatedBy };
  const update = change.authority;
  const cert = checkAuthorityCertificate(existing.caCertPem, at);
  const caCertificates = update.caCertificatesPem?.length
    ? await checkCaCertificates(update.caCertificatesPem, cert, at)
    : [];
  // The CRLs of CAs still listed stay; those of CAs taken off go with them.
  const kept = new Set(caCertificates.map((c) => c.subject));
  const caCrls = (existing.caCrls ?? []).filter((c) => c.issuer && kept.has(c.issuer));
  const next: AuthorityRecord = {
    ...existing,
    name: update.name,
    acceptedPolicies: update.acceptedPolicies,
    caCertificates,
    caCrls,
    updatedBy,
  };
  if (caCertificates.length === 0) delete next.caCertificates;
  if (caCrls.length === 0) delete next.caCrls;
  return next;
}
