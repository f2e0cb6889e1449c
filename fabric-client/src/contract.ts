/**
 * A chaincode on a channel: proposals of its transactions, and the usual shortcuts
 * (evaluate; endorse, send and wait). Each transaction is endorsed by the plan its name
 * (and, for some, the declaration it names) requires: endorsement-plan.ts.
 */
import { CommitError, EndorseError } from './errors';
import { endorsementPlan, JURISDICTION_READS, type EndorsementPlan } from './endorsement-plan';
import type { ChannelNetwork } from './network';
import { newProposal, type Proposal, type ProposalOptions } from './proposal';
import type { SubmittedTransaction } from './transaction';

export interface Contract {
  newProposal(transaction: string, options?: ProposalOptions): Proposal;
  evaluateTransaction(transaction: string, ...args: string[]): Promise<Uint8Array>;
  /** Endorses, sends and waits for the commit; rejects with CommitError if it is invalid. */
  submitTransaction(transaction: string, ...args: string[]): Promise<Uint8Array>;
  /** Endorses and sends; the commit status is asked of the result. */
  submitAsync(transaction: string, options?: ProposalOptions): Promise<SubmittedTransaction>;
}

export class ChaincodeContract implements Contract {
  constructor(
    private readonly network: ChannelNetwork,
    private readonly chaincode: string,
  ) {}

  newProposal(transaction: string, options: ProposalOptions = {}): Proposal {
    const explicit = options.endorsingOrganizations;
    const planOf = (): Promise<EndorsementPlan> =>
      explicit
        ? Promise.resolve({ required: explicit, total: explicit.length, eligible: explicit })
        : planFor(this.network, this.chaincode, transaction, options.arguments ?? []);
    return newProposal(this.network, this.chaincode, transaction, options, planOf);
  }

  evaluateTransaction(transaction: string, ...args: string[]): Promise<Uint8Array> {
    return this.newProposal(transaction, { arguments: args }).evaluate();
  }

  async submitAsync(
    transaction: string,
    options: ProposalOptions = {},
  ): Promise<SubmittedTransaction> {
    return (await this.newProposal(transaction, options).endorse()).submit();
  }

  async submitTransaction(transaction: string, ...args: string[]): Promise<Uint8Array> {
    const endorsed = await this.newProposal(transaction, { arguments: args }).endorse();
    const submitted = await endorsed.submit();
    const status = await submitted.getStatus();
    if (!status.successful)
      throw new CommitError(status.code, status.blockNumber, {
        transactionId: status.transactionId,
      });
    return endorsed.getResult();
  }
}

/**
 * The plan of a transaction of our chaincode; with only the home peer known (no `peers` in
 * the connection), that one peer endorses and validation decides. A plan that depends on a
 * declaration's jurisdiction reads the declaration first; if that read is refused (no
 * such declaration), the plan for every jurisdiction stands and the endorsement itself
 * brings the chaincode's answer.
 */
async function planFor(
  network: ChannelNetwork,
  chaincode: string,
  transaction: string,
  args: readonly (string | Uint8Array)[],
): Promise<EndorsementPlan> {
  const { home, peers } = network.client.addresses;
  if (peers.length <= 1) return { required: [home.mspId], total: 1, eligible: [home.mspId] };
  const lookup = JURISDICTION_READS[transaction];
  const id = lookup && args[lookup.idArgument];
  if (!lookup || typeof id !== 'string') return endorsementPlan(transaction);
  let record: unknown;
  try {
    const bytes = await network.getContract(chaincode).evaluateTransaction(lookup.read, id);
    record = JSON.parse(Buffer.from(bytes).toString());
  } catch (error) {
    if (error instanceof EndorseError) return endorsementPlan(transaction);
    throw error;
  }
  const jurisdiction =
    typeof record === 'object' && record !== null && 'jurisdiction' in record
      ? record.jurisdiction
      : undefined;
  return endorsementPlan(transaction, typeof jurisdiction === 'string' ? jurisdiction : undefined);
}
