/** Behaviour suites (they use Jest's globals): run against the twin and the real adapter. */
export { ledgerBehaviour } from './ledger.behaviour';
export { selfCheckBehaviour } from './self-check.behaviour';
export { sessionStoreBehaviour } from './sessions.behaviour';
