/**
 * The gateway's view of the ledger. The Fabric adapter implements it for real; unit tests
 * use an in-memory twin driven by the same behaviour suite.
 */
export interface Committed {
  transactionId: string;
  blockNumber: bigint;
  result: string;
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
  evaluate(transaction: string, args: string[]): Promise<string>;
  /** Height of the channel as one peer reports it. */
  channelHeight(): Promise<bigint>;
  close(): Promise<void>;
}
