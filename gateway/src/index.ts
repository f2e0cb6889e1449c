/**
 * The gateway package: what other packages (the server's tooling, testkit, load, tests) use.
 * The app itself is built by the composition root, app.ts.
 */
export {
  API_VERSION,
  buildApp,
  gatewayApp,
  gatewayServerOptions,
  portalCacheControl,
  type AppOptions,
} from './app';
export { routeNeedsPrincipal } from './plugins/auth';
export type { Committed, Ledger, Prepared, TransactionStatus } from './ports/ledger';
export { ledgerRefusal } from './ports/ledger';
export {
  connectGateway,
  createFabricLedger,
  createFabricLedgerFactory,
  fabricClientFor,
} from './ports/fabric-ledger';
export type { FabricConnection, SigningIdentity } from './ports/fabric-ledger';
export { qsccLedgerReader } from './evidence/ledger-reader';
export type { EvidenceOptions } from './routes/evidence';
export { remoteAttester } from './evidence/remote-attester';
export { loadConfig, ConfigError } from './config';
export type { Config } from './config';
export { migrate, MIGRATIONS } from './database/migrations';
export { createIndexStore } from './projection/store';
export { startIndexer } from './projection/listener';
export { compareIndex, type Difference } from './projection/commands';
export { anchorPending, anchorSeal } from './anchoring/anchor';
export { ledgerDeviceDirectory } from './readings/directory';
export { ingestReadings } from './readings/ingest';
export { startSignatureWorkers, type SignatureWorkers } from './signature-workers';
export { startAnchorWorker } from './anchoring/sweep';
export { startSealPipeline } from './anchoring/pipeline';
export type { SealPipeline, ReadingsSink } from './anchoring/pipeline';
export { createAccountStore } from './auth/accounts';
export { CHALLENGE_TTL_MS, SESSION_TTL_MS, createSessionStore } from './auth/sessions';
export type { SessionStore } from './auth/sessions';
export { newToken, sha256Hex } from './auth/secrets';
export type { OfficerPrincipal, Principal } from './auth/principal';
export { ApiError, LEDGER_TO_API, toApiError } from './errors';
export { invocations, TRANSACTIONS } from './ports/contract';
export { startGatewayServices } from './services';
export { fileAllPendingHalves, startDualWorker } from './dual/worker';
export { sidesWithDualWork } from './dual/events';
export type { DualCommercialStore, DualWorker, DualWorkerOptions } from './dual/worker';
export { createDualCommercialStore } from './dual/store';
