/**
 * A chaincode on a channel: proposals of its transactions, and the usual shortcuts
 * (evaluate; endorse, send and wait). Each transaction is endorsed by the plan its name
 * and namespace require: endorsement-plan.ts.
 */
import { isNamespace } from '@clearance/domain';
import { CommitError } from './errors';
import { endorsementPlan, type EndorsementPlan } from './endorsement-plan';
import { newProposal, type Proposal, type ProposalChannel, type ProposalOptions } from './proposal';
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
    private readonly network: ProposalChannel,
    private readonly chaincode: string,
  ) {}

  newProposal(transaction: string, options: ProposalOptions = {}): Proposal {
    const explicit = options.endorsingOrganizations;
    const planOf = (): Promise<EndorsementPlan> =>
      explicit
        ? Promise.resolve({ required: explicit, total: explicit.length, eligible: explicit })
        : Promise.resolve(planFor(this.network, this.chaincode, transaction));
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
 * The plan of a transaction of our chaincode in the namespace it is proposed to (the
 * chaincode name: clearance-gd, clearance-hk or the joint clearance); with only the home
 * peer known (no `peers` in the connection), that one peer endorses and validation decides.
 */
function planFor(
  network: ProposalChannel,
  chaincode: string,
  transaction: string,
): EndorsementPlan {
  const { home, peers } = network.client.addresses;
  if (peers.length <= 1 || !isNamespace(chaincode))
    return { required: [home.mspId], total: 1, eligible: [home.mspId] };
  return endorsementPlan(transaction, chaincode);
}
