/**
 * The evidence builder's LedgerReader on a Fabric peer: qscc through the Fabric client's
 * existing evaluate path (the home peer, or another of its organisation's peers when it is
 * unreachable). The client itself is unchanged.
 */
import { decodeProcessedTransaction, type LedgerReader } from '@clearance/verifier';
import type { Network } from '@clearance/fabric-client';

const QSCC = 'qscc';

export function qsccLedgerReader(network: Network, channel: string): LedgerReader {
  const qscc = network.getContract(QSCC);
  return {
    blockByNumber: (number) =>
      qscc.evaluateTransaction('GetBlockByNumber', channel, number.toString()),
    blockByTransactionId: (transactionId) =>
      qscc.evaluateTransaction('GetBlockByTxID', channel, transactionId),
    async validationCode(transactionId) {
      const bytes = await qscc.evaluateTransaction('GetTransactionByID', channel, transactionId);
      return decodeProcessedTransaction(bytes).validationCode;
    },
    height: () => network.channelHeight(),
  };
}
