/** Behaviour suites (they use Jest's globals): run against the twin and the real network. */
export { selfCheckBehaviour } from './self-check.behaviour';
