/**
 * The gateway's view of the ledger. The Fabric adapter implements it for real; unit tests
 * use an in-memory twin driven by the same behaviour suite.
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

/** What the ledger knows of a transaction id. */
export type TransactionStatus =
  | { state: 'unknown' }
  | { state: 'committed'; blockNumber: bigint }
  | { state: 'invalid'; blockNumber: bigint; validationCode: number };

/** Fabric's validation codes for a read set that changed before commit: worth a new try. */
export const MVCC_CODES: readonly number[] = [11, 12]; // MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT

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
   * The second half: send a prepared envelope and wait for its commit. Sending the same
   * envelope again is harmless (Fabric rejects a duplicate transaction id).
   */
  send(envelope: Uint8Array): Promise<TransactionStatus>;
  /** Whether the transaction id is on the ledger, and how it validated. */
  status(transactionId: string): Promise<TransactionStatus>;
  evaluate(transaction: string, args: string[]): Promise<string>;
  /** Height of the channel as one peer reports it. */
  channelHeight(): Promise<bigint>;
  close(): Promise<void>;
}
