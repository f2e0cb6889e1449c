/**
 * In-memory twin of the Ledger for unit tests: runs the real contract code on the
 * chaincode's in-memory ledger, one transaction per block.
 */
import { contracts } from '@clearance/chaincode';
import { LedgerError } from '@clearance/chaincode/domain';
import { MemoryLedger, type TestIdentity } from '@clearance/chaincode/testing';
import { ApiError, LEDGER_TO_API } from '../errors';
import type { Committed, Ledger } from './ledger';

function toApiError(error: unknown): ApiError {
  if (error instanceof LedgerError)
    return new ApiError(LEDGER_TO_API[error.code], error.detail, { cause: error });
  return new ApiError('INTERNAL', undefined, { cause: error });
}

export function createMemoryLedger(
  identity: TestIdentity,
): Ledger & { readonly chain: MemoryLedger } {
  const chain = new MemoryLedger(contracts.map((C) => new C()));
  const invoker = chain.invokerFor(identity);
  let height = 1n; // block 0 is the channel genesis block
  return {
    chain,
    async submit(transaction, args, transient): Promise<Committed> {
      try {
        const { result, txId } = await invoker.submit(transaction, args, transient);
        return { transactionId: txId, blockNumber: height++, result };
      } catch (error) {
        throw toApiError(error);
      }
    },
    async evaluate(transaction, args) {
      try {
        return await invoker.evaluate(transaction, args);
      } catch (error) {
        throw toApiError(error);
      }
    },
    async channelHeight() {
      return height;
    },
    async close() {},
  };
}
