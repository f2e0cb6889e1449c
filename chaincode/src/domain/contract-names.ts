/**
 * The chaincode's contract names, defined where clients can import them without loading
 * the contracts themselves (fabric-contract-api and its decorators).
 */
export const DECLARATION_CONTRACT = 'Declaration';
export const TRUST_LIST_CONTRACT = 'TrustList';
export const SELF_CHECK_CONTRACT = 'SelfCheck';
export const SEAL_CONTRACT = 'Seal';
export const CROSSING_CONTRACT = 'Crossing';
