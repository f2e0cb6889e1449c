/**
 * In-memory twin of the Ledger for unit tests: runs the real contract code on the
 * chaincode's in-memory ledger, one transaction per block. prepare() simulates (nothing
 * written); send() runs the transaction again and commits it once per transaction id.
 * A refusal rejects with the contract's own LedgerError (its code and reason), as the
 * Fabric adapter rejects with the client's EndorseError carrying the same code.
 */
import { z } from 'zod';
import { contracts } from '@clearance/chaincode';
import { MemoryLedger, type ContractInvoker, type TestIdentity } from '../chaincode';
import { randomBytes } from 'node:crypto';
import type { Committed, Ledger, TransactionStatus } from '@clearance/gateway';

/** What the twin's prepare hands out and its send takes back, checked on the way in. */
const EnvelopeSchema = z.object({
  transactionId: z.string(),
  transaction: z.string(),
  args: z.array(z.string()),
  transient: z.record(z.string(), z.string()),
});
type Envelope = z.infer<typeof EnvelopeSchema>;

/** One in-memory channel; `as` gives a Ledger acting under an identity on it. */
export function createMemoryNetwork(): {
  readonly chain: MemoryLedger;
  as(identity: TestIdentity): Ledger;
} {
  const chain = new MemoryLedger(contracts.map((C) => new C()));
  const statuses = new Map<string, TransactionStatus>();
  const clock = { height: 1n }; // block 0 is the channel genesis block
  return { chain, as: (identity) => memoryLedger(chain.invokerFor(identity), statuses, clock) };
}

export function createMemoryLedger(
  identity: TestIdentity,
): Ledger & { readonly chain: MemoryLedger } {
  const network = createMemoryNetwork();
  return Object.assign(network.as(identity), { chain: network.chain });
}

function memoryLedger(
  invoker: ContractInvoker,
  statuses: Map<string, TransactionStatus>,
  clock: { height: bigint },
): Ledger {
  return {
    async submit(transaction, args, transient): Promise<Committed> {
      const { result, txId } = await invoker.submit(transaction, args, transient);
      const blockNumber = clock.height++;
      statuses.set(txId, { state: 'committed', blockNumber });
      return { transactionId: txId, blockNumber, result };
    },
    async prepare(transaction, args, transient = {}) {
      // As on Fabric, the transaction id is fixed before endorsement: the simulation and
      // the commit run under the same one.
      const transactionId = randomBytes(32).toString('hex');
      const result = await invoker.evaluate(transaction, args, transient, {
        txId: transactionId,
      });
      const envelope: Envelope = { transactionId, transaction, args, transient };
      return {
        transactionId: envelope.transactionId,
        envelope: Buffer.from(JSON.stringify(envelope)),
        result,
      };
    },
    async send(bytes) {
      const envelope = EnvelopeSchema.parse(JSON.parse(Buffer.from(bytes).toString()));
      const known = statuses.get(envelope.transactionId);
      if (known) return known;
      const blockNumber = clock.height++;
      let status: TransactionStatus;
      try {
        await invoker.submit(envelope.transaction, envelope.args, envelope.transient, {
          txId: envelope.transactionId,
        });
        status = { state: 'committed', blockNumber };
      } catch {
        // What changed since the simulation makes Fabric invalidate the transaction.
        status = { state: 'invalid', blockNumber, validationCode: 11 };
      }
      statuses.set(envelope.transactionId, status);
      return status;
    },
    async status(transactionId) {
      return statuses.get(transactionId) ?? { state: 'unknown' };
    },
    async evaluate(transaction, args) {
      return invoker.evaluate(transaction, args);
    },
    async channelHeight() {
      return clock.height;
    },
    async close() {},
  };
}
