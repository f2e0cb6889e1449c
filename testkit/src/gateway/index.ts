/** In-memory twins and fixtures for tests and benchmarks (no test framework needed). */
export { createMemoryLedger, createMemoryNetwork } from './memory-ledger';
export { createMemorySessionStore } from './memory-sessions';
export { TEST_METRICS_HEADERS, TEST_METRICS_TOKEN, TEST_OFFICER } from './fixtures';
export { freePort, signInTrader, until, type ChallengeSigner } from './http';
export { buildRecordedApp, type RegisteredRoute } from './routes';
