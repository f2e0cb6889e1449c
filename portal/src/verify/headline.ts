/**
 * The verify page's one-word answer above the verifier's sentence: valid; tampered (bytes,
 * hashes or signatures do not match: someone changed the bundle); marked invalid by the
 * peers (the customs services' peers recorded the transaction as invalid); not from this
 * network; about something else; or not valid for another named reason. Pure: the report
 * comes from the verifier.
 */
import type { CheckResult, Reason } from '@clearance/verifier';
import type { EvidenceKey } from '../evidence/words';

/** Reasons that mean the bundle's bytes were changed after it was made. */
const TAMPERED: ReadonlySet<Reason> = new Set<Reason>([
  'BUNDLE_MALFORMED',
  'BLOCK_MALFORMED',
  'TX_MALFORMED',
  'UPDATE_MALFORMED',
  'DATA_HASH_MISMATCH',
  'PROPOSAL_HASH_MISMATCH',
  'TX_ID_MISMATCH',
  'TX_NOT_IN_BLOCK',
  'ORDERER_SIGNATURE_INVALID',
  'CREATOR_SIGNATURE_INVALID',
  'ENDORSEMENT_SIGNATURE_INVALID',
  'ATTESTATION_SIGNATURE_INVALID',
  'ATTESTATION_MISMATCH',
  'CLAIMS_NOT_ATTESTED',
  'FACTS_MISMATCH',
  'UPDATE_RESULT_DIFFERS',
  'CONFIG_SEQUENCE_GAP',
]);
const OTHER_NETWORK: ReadonlySet<Reason> = new Set<Reason>(['ROOT_MISMATCH', 'CHANNEL_MISMATCH']);
const OTHER_SUBJECT: ReadonlySet<Reason> = new Set<Reason>([
  'OTHER_DECLARATION',
  'OTHER_CROSSING',
  'NOT_A_RELEASE',
  'NOT_A_CROSSING',
]);

export function headlineOf(report: {
  valid: boolean;
  checks: readonly CheckResult[];
  failed?: CheckResult | undefined;
}): EvidenceKey {
  if (report.valid) return 'verify.valid';
  // The peers' own signed statement that the transaction is invalid outweighs the rest.
  if (report.checks.some((c) => c.status === 'INVALID' && c.reason === 'TX_INVALID'))
    return 'verify.invalidByPeers';
  const reason = (report.failed ?? report.checks.find((c) => c.status === 'INVALID'))?.reason;
  if (reason && TAMPERED.has(reason)) return 'verify.tampered';
  if (reason && OTHER_NETWORK.has(reason)) return 'verify.otherNetwork';
  if (reason && OTHER_SUBJECT.has(reason)) return 'verify.notAbout';
  return 'verify.invalid';
}
