/**
 * @clearance/fabric-client: the project's Fabric client (Fabric 2.1 and later), shaped like
 * hyperledger/fabric-gateway. Interfaces and factories only; the implementations stay
 * private to the package. Every piece of state lives in a client instance.
 */

// --- client and connection (client.ts) ---
/** Creates a client: gRPC channels to the network's endpoints, and all it learns of them. */
export { createFabricClient } from './client';
/** Deadlines a client uses unless told otherwise. */
export { DEFAULT_TIMEOUTS } from './client';
/** A client, the identities connected through it, where the network is, its options. */
export type { ClientOptions, FabricClient, Gateway, NetworkAddresses, Timeouts } from './client';

// --- identity and signing (identity.ts, signer.ts) ---
/** An MSP identity: MSP id, certificate and private key (PEM). */
export type { SigningIdentity } from './identity';
/** Low-S ECDSA (or Ed25519) signatures of whole messages, by Node's crypto. */
export { messageSigner, type Signer } from './signer';

// --- channel (network.ts) ---
/** One channel as one identity sees it, and what its client knows of the channel's health. */
export type { Network, NetworkHealth } from './network';

// --- contract, proposal, transaction, commit ---
/** A chaincode on a channel. */
export type { Contract } from './contract';
/** A proposal of a transaction, and the transaction once endorsed and signed. */
export type { EndorsedTransaction, Proposal, ProposalOptions } from './proposal';
/** A transaction an orderer took, whose commit status can be awaited. */
export type { SubmittedTransaction } from './transaction';
/** A transaction's commit outcome; the heights of a client's own commits (read-your-writes). */
export type { CommitHeights, CommitStatus } from './commit';
/** A new, empty record of commit heights, for clients meant to share one (ClientOptions). */
export { newCommitHeights } from './commit';

// --- events and blocks (events.ts) ---
/** Chaincode events, where a reader resumes, and the closeable streams that deliver them. */
export type { ChaincodeEvent, Checkpoint, CloseableAsyncIterable } from './events';
export { DELIVER_STALL_MS, DeliverStalledError } from './events';

// --- endpoints and health (endpoints.ts, health.ts) ---
/** Where a peer or an orderer is (address, TLS host name, TLS root). */
export type { EndpointAddress, PeerAddress } from './endpoints';
/** Endpoints named down, lagging peers, and the failures and retries a client reports. */
export type { EndpointEvent, EndpointListeners, EndpointState, PeerLag } from './health';

// --- stage errors (errors.ts) ---
/** The errors the client rejects with, one class per stage. */
export {
  CommitError,
  EndorseError,
  FabricStageError,
  LedgerUnavailableError,
  SubmitError,
  type FabricErrorCode,
  type FabricStage,
  type PeerAnswer,
} from './errors';
/** Fabric's validation codes of an MVCC conflict (the read set changed before commit). */
export { MVCC_CODES } from './errors';

// --- endorsement plan (endorsement-plan.ts) ---
/** Which organisations must endorse each transaction of the clearance chaincode. */
export {
  endorsementPlan,
  majority,
  nextEndorsers,
  PEER_ORGANISATIONS,
  type EndorsementPlan,
  type EndorsementProgress,
  type NextEndorsers,
} from './endorsement-plan';
