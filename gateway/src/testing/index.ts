/** Test support shared with the integration tests: the Ledger behaviour suite and its twin. */
export { ledgerBehaviour } from '../ledger/ledger.behaviour';
export { createMemoryLedger, createMemoryNetwork } from '../ledger/memory-ledger';
export { sessionStoreBehaviour } from '../auth/sessions.behaviour';
export { createMemorySessionStore } from '../auth/memory-sessions';
