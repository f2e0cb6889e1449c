/** Evidence that anyone can check: bundles of a transaction's proof, and their verifier. */
/** Verifies a bundle against a trust root: named checks, valid only when all pass. */
export { verifyBundle } from './verify';
export type { VerificationReport, VerifyOptions } from './verify';
/** The report in plain words (en, zh-HK, zh-CN). */
export { verdict, CHECK_TITLES, REASON_TEXTS } from './messages';
/** Check names, reason codes, languages. */
export { CHECKS, REASONS, LANGUAGES } from './report';
export type { CheckId, CheckResult, CheckStatus, Language, Reason } from './report';
/** The bundle format and the trust root, as zod schemas and their types. */
export {
  ATTESTATION_TYPE,
  AttestationSchema,
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleSchema,
  FactsSchema,
  StatementSchema,
  TRUST_ROOT_FORMAT,
  TrustRootSchema,
} from './bundle';
export type { Attestation, Bundle, Facts, Statement, TrustRoot } from './bundle';
/** Building bundles from a ledger reader and attesters. */
export {
  EvidenceError,
  blockJson,
  createAttester,
  createBundleBuilder,
  headerHashOf,
  trustRootOf,
} from './builder';
export type { Attester, BuildRequest, BundleBuilder, LedgerReader } from './builder';
/** Fabric messages the builder's adapters decode (qscc answers). */
export { decodeBlock, decodeProcessedTransaction, validationCodeName } from './fabric-messages';
/** Base64 of bytes, as bundles carry them. */
export { fromBase64, toBase64, transactionIdOfEnvelope } from './ledger';
