/**
 * @clearance/fabric-client: the project's Fabric client. Interfaces and factories only;
 * the implementations stay private to the package.
 */
export { createFabricClient, DEFAULT_TIMEOUTS } from './client';
export type {
  ChaincodeEvent,
  Checkpoint,
  CloseableAsyncIterable,
  CommitStatus,
  Contract,
  EndorsedTransaction,
  EndpointAddress,
  EndpointEvent,
  EndpointListeners,
  EndpointState,
  FabricClient,
  Gateway,
  Network,
  NetworkAddresses,
  NetworkHealth,
  PeerAddress,
  PeerLag,
  Proposal,
  ProposalOptions,
  SigningIdentity,
  SubmittedTransaction,
  Timeouts,
} from './client';
export {
  CommitError,
  EndorseError,
  FabricStageError,
  LedgerUnavailableError,
  SubmitError,
  type PeerAnswer,
} from './errors';
export { messageSigner, type Signer } from './signer';
export {
  COMMERCIAL_COLLECTION_MEMBERS,
  endorsementPlan,
  JURISDICTION_READS,
  majority,
  nextEndorsers,
  PEER_ORGANISATIONS,
  type EndorsementPlan,
  type EndorsementProgress,
  type NextEndorsers,
} from './endorsement-plan';
