/**
 * What the verifier answers: named checks, each VALID, INVALID or SKIPPED with a reason
 * code (TradeTrust / OpenAttestation style); a bundle is valid only when every check is
 * VALID. Reason codes are the API: tests and pages match on them, never on the detail text.
 */

export const CHECKS = [
  'bundle.format',
  'configuration.root',
  'configuration.chain',
  'configuration.signatures',
  'configuration.updates',
  'block.data-hash',
  'block.orderer-signatures',
  'transaction.in-block',
  'transaction.creator',
  'transaction.proposal-hash',
  'transaction.endorsements',
  'transaction.endorsement-policy',
  'transaction.validity',
  'facts',
] as const;
export type CheckId = (typeof CHECKS)[number];

export const REASONS = [
  // the bundle itself
  'BUNDLE_MALFORMED',
  'UNSUPPORTED_VERSION',
  'TRUST_ROOT_MALFORMED',
  'PREREQUISITE_FAILED',
  // configuration chain
  'ROOT_MISMATCH',
  'CHANNEL_MISMATCH',
  'NOT_A_CONFIG_BLOCK',
  'CONFIG_SEQUENCE_GAP',
  'CONFIG_NOT_IN_BUNDLE',
  'UPDATE_MALFORMED',
  'UPDATE_WRONG_CHANNEL',
  'UPDATE_STALE_READ',
  'UPDATE_BAD_VERSION',
  'UPDATE_NOT_AUTHORISED',
  'UPDATE_RESULT_DIFFERS',
  'UPDATE_EMPTY',
  // blocks
  'BLOCK_MALFORMED',
  'DATA_HASH_MISMATCH',
  'NOT_SIGNED',
  'ORDERER_SIGNATURE_INVALID',
  'ORDERER_NOT_IN_MSP',
  'BLOCK_POLICY_NOT_SATISFIED',
  // transactions
  'TX_NOT_IN_BLOCK',
  'TX_MALFORMED',
  'NOT_AN_ENDORSER_TRANSACTION',
  'TX_ID_MISMATCH',
  'CREATOR_NOT_IN_MSP',
  'CREATOR_SIGNATURE_INVALID',
  'CERT_NOT_VALID_AT_TIME',
  'HIGH_S_SIGNATURE',
  'PROPOSAL_HASH_MISMATCH',
  'NO_ENDORSEMENTS',
  'ENDORSEMENT_SIGNATURE_INVALID',
  'ENDORSER_NOT_IN_MSP',
  'INVALID_CHAINCODE',
  'POLICY_SOURCE_MISSING',
  'POLICY_SOURCE_INVALID',
  'UNSUPPORTED_VALIDATION_PLUGIN',
  'UNKNOWN_COLLECTION',
  'POLICY_NOT_SATISFIED',
  // validity
  'NO_ATTESTATION',
  'ATTESTATION_SIGNATURE_INVALID',
  'ATTESTER_NOT_IN_MSP',
  'ATTESTATION_MISMATCH',
  'ATTESTATIONS_DISAGREE',
  'ATTESTATION_POLICY_NOT_SATISFIED',
  'TX_INVALID',
  // facts
  'FACTS_MISMATCH',
  'CLAIMS_NOT_ATTESTED',
  'NOT_A_RELEASE',
  'NOT_A_CROSSING',
  'OTHER_DECLARATION',
  'OTHER_CROSSING',
] as const;
export type Reason = (typeof REASONS)[number];

export type CheckStatus = 'VALID' | 'INVALID' | 'SKIPPED';

export interface CheckResult {
  check: CheckId;
  /** What was checked: 'bundle', 'configuration block 3', 'block 12', 'transaction 4f…'. */
  target: string;
  status: CheckStatus;
  reason?: Reason;
  /** For people: which policy, which organisation, which key. Not for matching. */
  detail?: string;
}

export const LANGUAGES = ['en', 'zh-HK', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
