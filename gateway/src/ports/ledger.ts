/**
 * The gateway's view of the ledger: its port, over the Fabric client (@clearance/fabric-client)
 * through fabric-ledger.ts. Unit tests use an in-memory twin driven by the same behaviour
 * suite. Failures reject with ApiError: the Fabric adapter maps the client's stage errors
 * (FabricStageError: stage, code, transaction id, endpoint, `retryable`) by errors.ts
 * `toApiError`, which copies the code and the retry verdict onto the ApiError (`ledger`).
 */
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
   * Endorse, order and wait for commit; rejects with ApiError on any failure. `transient`
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
