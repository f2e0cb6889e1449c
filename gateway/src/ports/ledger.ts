/**
 * The gateway's view of the ledger: its port, over the Fabric client (@clearance/fabric-client)
 * through fabric-ledger.ts. Unit tests use an in-memory twin driven by the same behaviour
 * suite. Failures reject with what the ledger said, not with HTTP: the Fabric adapter with
 * the client's stage errors (FabricStageError: stage, code, transaction id, endpoint,
 * `retryable`), the twin (the contracts run in process) with the domain's LedgerError. Both
 * carry the chaincode's code of a refusal as `code` (and its finer `reason`); the HTTP edge
 * maps them to API codes once (errors.ts toApiError, from the errors plugin and the
 * operations runner).
 */
import { ERROR_CODES, LedgerError, type ErrorCode as LedgerErrorCode } from '@clearance/domain';
import { FabricStageError } from '@clearance/fabric-client';

export interface Committed {
  transactionId: string;
  blockNumber: bigint;
  result: string;
}

/** An endorsed and signed transaction, not yet sent: what a durable submission stores. */
export interface Prepared {
  transactionId: string;
  /** The signed envelope; sending it again can never commit it twice. */
  envelope: Uint8Array;
  result: string;
}

export { MVCC_CODES } from '@clearance/fabric-client';

/**
 * The chaincode's code of a ledger refusal (a stage error carrying one, or the twin's
 * LedgerError), with a commit invalidated for an MVCC conflict as CONFLICT (the record
 * changed meanwhile); undefined for anything else (the ledger not reached, a fault of ours).
 * For callers that act on a refusal: NOT_FOUND for "none", REPLAYED for "done before".
 */
export function ledgerRefusal(error: unknown): LedgerErrorCode | undefined {
  if (error instanceof LedgerError) return error.code;
  if (!(error instanceof FabricStageError)) return undefined;
  if (error.code === 'MVCC_CONFLICT') return 'CONFLICT';
  return ERROR_CODES.find((code) => code === error.code);
}

/** What the ledger knows of a transaction id. */
export type TransactionStatus =
  | { state: 'unknown' }
  | { state: 'committed'; blockNumber: bigint }
  | { state: 'invalid'; blockNumber: bigint; validationCode: number };

/** What a ledger client knows of its network's health (for /readyz); see @clearance/fabric-client health.ts. */
export interface LedgerHealth {
  /** Peers and orderers a call or probe found down (no answer in time), since when. */
  down: { endpoint: string; role: 'peer' | 'orderer'; since: number; reason: string }[];
  /** Peers behind the orderers (or our own last commit) by more than a few seconds or blocks. */
  lagging: { endpoint: string; height: bigint; behindBlocks: number; behindMs: number }[];
  /** The orderers' highest height as last read. */
  ordererHeight?: bigint;
}

/** A failed call of the ledger client, or a retry elsewhere (counted in /metrics). */
export interface LedgerEndpointEvent {
  endpoint: string;
  role: 'peer' | 'orderer';
  call: string;
  reason?: string;
}

export interface Ledger {
  /**
   * Endorse, order and wait for commit; rejects on any failure (see above). `transient`
   * values reach the chaincode but are not written to the channel (private data).
   */
  submit(
    transaction: string,
    args: string[],
    transient?: Record<string, string>,
  ): Promise<Committed>;
  /** The first half of submit: endorse and sign, send nothing to the orderer. */
  prepare(
    transaction: string,
    args: string[],
    transient?: Record<string, string>,
  ): Promise<Prepared>;
  /**
   * The second half: send a prepared envelope and wait for its commit. The same envelope
   * never commits twice (a later copy is DUPLICATE_TXID), and a client that sent it before
   * and still waits for it does not send it again here (fabric-client's transaction.ts).
   */
  send(envelope: Uint8Array): Promise<TransactionStatus>;
  /** Whether the transaction id is on the ledger, and how it validated. */
  status(transactionId: string): Promise<TransactionStatus>;
  evaluate(transaction: string, args: string[]): Promise<string>;
  /** Height of the channel as one peer reports it. */
  channelHeight(): Promise<bigint>;
  /** Endpoints down and peers lagging (a ledger over a network has them; a twin has none). */
  health?(): LedgerHealth;
  /** Subscribes to failed calls and retries of its client; returns the unsubscribe. */
  onEndpointEvents?(listeners: {
    failure?(event: LedgerEndpointEvent): void;
    retry?(event: LedgerEndpointEvent): void;
  }): () => void;
  close(): Promise<void>;
}
