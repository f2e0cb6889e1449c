import { TRUST_LIST_CONTRACT } from '../domain/contract-names';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import {
  TRUST_LIST_ENDORSERS,
  withRevocationList,
  requireTrustAdmin,
  type AuthorityRecord,
} from '../domain/trust-list';
import {
  PROPOSAL_STATUSES,
  TrustChangeSchema,
  applyTrustChange,
  authorityIdOf,
  jurisdictionOf,
  requireDecider,
  requirePending,
  requireProposer,
  requireWithdrawer,
  type ProposalAct,
  type TrustProposalRecord,
} from '../domain/trust-proposals';
import { actorOf, requirePeersOf, txTime } from '../stub/identity';
import { boundedText, emit, parseArgument, readJson, writeJson } from '../stub/ledger-io';
import { EVENTS } from '../domain/events';
import { requireHome } from '../stub/namespace';

export { TRUST_LIST_CONTRACT };
const AUTHORITY = 'authority';
const PROPOSAL = 'trustproposal';
const META = 'trustlist';

export async function listAuthorities(ctx: Context): Promise<AuthorityRecord[]> {
  const out: AuthorityRecord[] = [];
  for await (const row of ctx.stub.getStateByPartialCompositeKey(AUTHORITY, [])) {
    out.push(JSON.parse(Buffer.from(row.value).toString()) as AuthorityRecord);
  }
  return out;
}

/**
 * The Guangdong–Hong Kong mutual-recognition trust list. An authority is added, updated or
 * withdrawn only by a proposal of one customs service's trust administrator approved by the
 * other's (domain/trust-proposals.ts): pending proposals are stored apart and change nothing
 * a signature check reads. Every change of the list also bumps one meta key whose key-level
 * policy needs peers of both GDCustomsMSP and HKCustomsMSP. A CRL signed by its CA replaces
 * the listed one in one step.
 */
@Info({ title: 'TrustList', description: 'Recognised e-signature certificate authorities' })
export class TrustListContract extends Contract {
  constructor() {
    super(TRUST_LIST_CONTRACT);
  }

  /** Its writes are joint: proposed to the joint namespace only (reads anywhere). */
  override async beforeTransaction(ctx: Context): Promise<void> {
    requireHome(ctx);
  }

  private async change(
    ctx: Context,
    record: AuthorityRecord,
    change: string,
    proposalId?: string,
  ): Promise<string> {
    const metaKey = ctx.stub.createCompositeKey(META, ['meta']);
    const meta = (await readJson<{ version: number }>(ctx, metaKey)) ?? { version: 0 };
    await writeJson(ctx, metaKey, { version: meta.version + 1 });
    if (meta.version === 0) await requirePeersOf(ctx, metaKey, TRUST_LIST_ENDORSERS);
    const bytes = await writeJson(ctx, this.authorityKey(ctx, record.authorityId), record);
    emit(ctx, EVENTS.TrustListChanged, {
      authorityId: record.authorityId,
      change,
      status: record.status,
      version: meta.version + 1,
      txId: ctx.stub.getTxID(),
      ...(proposalId ? { proposalId } : {}),
    });
    return bytes.toString();
  }

  private authorityKey(ctx: Context, authorityId: string): string {
    return ctx.stub.createCompositeKey(AUTHORITY, [boundedText(authorityId, 'authorityId', 64)]);
  }

  private async existing(ctx: Context, authorityId: string): Promise<AuthorityRecord> {
    const record = await readJson<AuthorityRecord>(ctx, this.authorityKey(ctx, authorityId));
    if (!record)
      throw new LedgerError('NOT_FOUND', `authority ${authorityId} is not on the trust list`);
    return record;
  }

  private proposalKey(ctx: Context, proposalId: string): string {
    const id = boundedText(proposalId, 'proposalId', 64);
    if (!/^[A-Za-z0-9]{1,64}$/.test(id))
      throw new LedgerError(
        'INVALID_ARGUMENT',
        'proposalId must be a transaction id (1-64 letters and digits)',
      );
    return ctx.stub.createCompositeKey(PROPOSAL, [id]);
  }

  private async proposal(ctx: Context, proposalId: string): Promise<TrustProposalRecord> {
    const record = await readJson<TrustProposalRecord>(ctx, this.proposalKey(ctx, proposalId));
    if (!record)
      throw new LedgerError('NOT_FOUND', `trust-list proposal ${proposalId} does not exist`);
    return record;
  }

  /** The caller's act: who (client identity, MSP and role), when, which transaction, why. */
  private act(ctx: Context, reason: string): ProposalAct {
    return {
      ...actorOf(ctx),
      at: txTime(ctx),
      txId: ctx.stub.getTxID(),
      reason: boundedText(reason, 'reason', 512),
    };
  }

  /**
   * A trust administrator proposes adding, updating or withdrawing an authority. Checked now
   * as it would be applied (certificates, CA list, the authority's state); nothing on the
   * list changes until the other customs service approves.
   */
  @Transaction()
  @Returns('string')
  async ProposeTrustChange(ctx: Context, changeJson: string): Promise<string> {
    const change = parseArgument(TrustChangeSchema, changeJson, 'change');
    const proposedBy = this.act(ctx, change.reason);
    requireProposer(proposedBy);
    const authorityId = authorityIdOf(change);
    const listed = await readJson<AuthorityRecord>(ctx, this.authorityKey(ctx, authorityId));
    await applyTrustChange(listed, change, proposedBy);
    const proposal: TrustProposalRecord = {
      proposalId: ctx.stub.getTxID(),
      authorityId,
      jurisdiction: jurisdictionOf(change, listed),
      change,
      status: 'PENDING',
      proposedBy,
      decidedBy: null,
    };
    const bytes = await writeJson(ctx, this.proposalKey(ctx, proposal.proposalId), proposal);
    emit(ctx, EVENTS.TrustListChangeProposed, this.summary(proposal));
    return bytes.toString();
  }

  /** The other customs service's trust administrator approves: the change is made now. */
  @Transaction()
  @Returns('string')
  async ApproveTrustChange(ctx: Context, proposalId: string, reason: string): Promise<string> {
    const proposal = await this.proposal(ctx, proposalId);
    const decidedBy = this.act(ctx, reason);
    requireDecider(proposal, decidedBy);
    requirePending(proposal);
    const listed = await readJson<AuthorityRecord>(
      ctx,
      this.authorityKey(ctx, proposal.authorityId),
    );
    const record = await applyTrustChange(listed, proposal.change, {
      ...proposal.proposedBy,
      at: decidedBy.at,
      txId: decidedBy.txId,
    });
    const decided: TrustProposalRecord = { ...proposal, status: 'APPROVED', decidedBy };
    await writeJson(ctx, this.proposalKey(ctx, proposalId), decided);
    await this.change(
      ctx,
      { ...record, approvedBy: decidedBy },
      proposal.change.change,
      proposalId,
    );
    return JSON.stringify(decided);
  }

  /** The other customs service's trust administrator refuses the proposal. */
  @Transaction()
  @Returns('string')
  async RejectTrustChange(ctx: Context, proposalId: string, reason: string): Promise<string> {
    const proposal = await this.proposal(ctx, proposalId);
    const decidedBy = this.act(ctx, reason);
    requireDecider(proposal, decidedBy);
    requirePending(proposal);
    return this.close(
      ctx,
      { ...proposal, status: 'REJECTED', decidedBy },
      EVENTS.TrustListChangeRejected,
    );
  }

  /** The proposer's own customs service takes the proposal back. */
  @Transaction()
  @Returns('string')
  async WithdrawTrustChange(ctx: Context, proposalId: string, reason: string): Promise<string> {
    const proposal = await this.proposal(ctx, proposalId);
    const decidedBy = this.act(ctx, reason);
    requireWithdrawer(proposal, decidedBy);
    requirePending(proposal);
    return this.close(
      ctx,
      { ...proposal, status: 'WITHDRAWN', decidedBy },
      EVENTS.TrustListChangeWithdrawn,
    );
  }

  private async close(ctx: Context, decided: TrustProposalRecord, event: string): Promise<string> {
    const bytes = await writeJson(ctx, this.proposalKey(ctx, decided.proposalId), decided);
    emit(ctx, event, this.summary(decided));
    return bytes.toString();
  }

  private summary(proposal: TrustProposalRecord) {
    const who = proposal.decidedBy ?? proposal.proposedBy;
    return {
      proposalId: proposal.proposalId,
      authorityId: proposal.authorityId,
      jurisdiction: proposal.jurisdiction,
      change: proposal.change.change,
      status: proposal.status,
      actor: { mspId: who.mspId, id: who.id, ...(who.role ? { role: who.role } : {}) },
      at: who.at,
      txId: who.txId,
    };
  }

  /**
   * A new CRL of the authority or of a CA listed under it, in one step: it counts only if
   * that CA signed it and it is newer than the listed one (the CA's signature is the consent).
   */
  @Transaction()
  @Returns('string')
  async UpdateRevocationList(ctx: Context, authorityId: string, crlPem: string): Promise<string> {
    const updatedBy = this.act(ctx, 'revocation list updated');
    requireTrustAdmin(updatedBy);
    const record = await this.existing(ctx, boundedText(authorityId, 'authorityId', 64));
    const updated = await withRevocationList(
      record,
      boundedText(crlPem, 'crlPem', 1_048_576),
      new Date(updatedBy.at),
    );
    return this.change(ctx, { ...updated, updatedBy }, 'CRL_UPDATED');
  }

  @Transaction(false)
  @Returns('string')
  async GetAuthority(ctx: Context, authorityId: string): Promise<string> {
    return JSON.stringify(await this.existing(ctx, boundedText(authorityId, 'authorityId', 64)));
  }

  @Transaction(false)
  @Returns('string')
  async ListAuthorities(ctx: Context): Promise<string> {
    return JSON.stringify(await listAuthorities(ctx));
  }

  @Transaction(false)
  @Returns('string')
  async GetTrustChange(ctx: Context, proposalId: string): Promise<string> {
    return JSON.stringify(await this.proposal(ctx, proposalId));
  }

  /** Proposals, oldest first; `status` (PENDING, APPROVED, ...) or '' for all. */
  @Transaction(false)
  @Returns('string')
  async ListTrustChanges(ctx: Context, status: string): Promise<string> {
    if (status !== '' && !(PROPOSAL_STATUSES as readonly string[]).includes(status))
      throw new LedgerError(
        'INVALID_ARGUMENT',
        `status must be one of ${PROPOSAL_STATUSES.join(', ')} or empty`,
      );
    const out: TrustProposalRecord[] = [];
    for await (const row of ctx.stub.getStateByPartialCompositeKey(PROPOSAL, [])) {
      const proposal = JSON.parse(Buffer.from(row.value).toString()) as TrustProposalRecord;
      if (status === '' || proposal.status === status) out.push(proposal);
    }
    out.sort((a, b) => a.proposedBy.at.localeCompare(b.proposedBy.at));
    return JSON.stringify(out);
  }
}
