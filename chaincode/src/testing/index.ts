export * from './memory-ledger';
export { selfCheckBehaviour } from './self-check.behaviour';
