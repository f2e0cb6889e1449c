export * from './fixtures';
export * from './memory-ledger';
export { selfCheckBehaviour } from './self-check.behaviour';
export * from './test-pki';
