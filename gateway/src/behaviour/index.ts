/** Behaviour suites every adapter runs against (twins in unit tests, real ones in integration). */
export { ledgerBehaviour } from '../ledger/ledger.behaviour';
export { sessionStoreBehaviour } from '../auth/sessions.behaviour';
