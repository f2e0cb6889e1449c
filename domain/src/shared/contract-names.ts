/**
 * The chaincode's contract names, defined where clients can import them without loading
 * the contracts themselves (fabric-contract-api and its decorators).
 */
export const DECLARATION_CONTRACT = 'Declaration';
export const TRUST_LIST_CONTRACT = 'TrustList';
export const SELF_CHECK_CONTRACT = 'SelfCheck';
export const SEAL_CONTRACT = 'Seal';
export const CROSSING_CONTRACT = 'Crossing';
export { LIVESTOCK_CONTRACT } from '../livestock/routing';

/**
 * Object types of the composite keys records are stored under
 * (`\u0000declaration\u0000<id>\u0000`): the contracts write them, the evidence verifier
 * reads a release or a crossing decision back from a transaction's writes.
 */
export const RECORD_KEYS = { declaration: 'declaration', crossing: 'crossing' } as const;
