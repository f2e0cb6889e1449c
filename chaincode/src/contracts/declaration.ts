import {
  DECLARATION_CONTRACT,
  parseFiling,
  LedgerError,
  verifyDetachedSignature,
  sha256,
  FINDINGS_MAX,
  REASON_MAX,
  RISK_LEVELS,
  RISK_SCORE,
  amendDeclaration,
  applyAct,
  fileDeclaration,
  jointAgencies,
  requireAllowed,
  type ActInput,
  type ActRecord,
  type Action,
  type DeclarationRecord,
  type FileInput,
  isRiskLevel,
  isRiskScore,
  toTrustAnchor,
  type AuthorityRecord,
  DeclarationRecordSchema,
  JOINT_NAMESPACE,
  JURISDICTION_NAMESPACES,
  commercialCollection,
  sharedCommercialCollection,
  requireShareAllowed,
  CommercialShareInputSchema,
  type CommercialShareRecord,
  EVENTS,
} from '@clearance/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalBytes, toHex } from '@clearance/core';
import { actorOf, requirePeersOf, txTime } from '../stub/identity';
import {
  boundedText,
  parseArgument,
  parseState,
  parseJsonArgument,
  writeJson,
  emit,
} from '../stub/ledger-io';
import { callNamespace, requireHome } from '../stub/namespace';
import { declarationKey, loadDeclaration, saveDeclaration } from './declaration-store';

export { DECLARATION_CONTRACT };
const RELEASE = 'release';
/** Index: consignment reference → declarations (the HK export and the GD import of the goods). */
const BY_CONSIGNMENT = 'consignment';
/** A recorded share of commercial values: (declaration id, transaction id). */
const COMMERCIAL_SHARE = 'commercialShare';

/**
 * "One declaration, one inspection, one release" on the ledger. Each act is one
 * transaction under the officer's own identity; the allow table decides who may act;
 * releases are written to a key whose key-level policy needs a peer of every agency that
 * must release, so a release no agency's peer would endorse cannot validate.
 */
@Info({ title: 'Declaration', description: 'Customs declarations through clearance' })
export class DeclarationContract extends Contract {
  constructor() {
    super(DECLARATION_CONTRACT);
  }

  private key(ctx: Context, id: string): string {
    return declarationKey(ctx, id);
  }

  private load(ctx: Context, id: string): Promise<DeclarationRecord> {
    return loadDeclaration(ctx, id);
  }

  private act(ctx: Context, action: Action, reason: string): ActRecord {
    return {
      action,
      actor: actorOf(ctx),
      reason: boundedText(reason, 'reason', REASON_MAX),
      at: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
  }

  private save(ctx: Context, record: DeclarationRecord): Promise<string> {
    return saveDeclaration(ctx, record);
  }

  /** Parses the filing, verifies the trader's signature over it, stores the commercial part. */
  private async verifiedFiling(
    ctx: Context,
    declarationJson: string,
    signatureBase64: string,
    act: ActRecord,
  ) {
    const commercialBytes = ctx.stub.getTransient().get('commercial');
    if (!commercialBytes) {
      throw new LedgerError(
        'INVALID_ARGUMENT',
        'the commercial values must be sent as transient data "commercial"',
      );
    }
    const filing = parseFiling(
      parseJsonArgument(declarationJson, 'declaration'),
      parseJsonArgument(Buffer.from(commercialBytes).toString(), 'commercial'),
    );
    requireHome(ctx, filing.declaration.jurisdiction);
    requireAllowed(act.action, filing.declaration.jurisdiction, act.actor);
    const signature = boundedText(signatureBase64, 'signature', 64 * 1024);
    if (!/^[A-Za-z0-9+/]+=*$/.test(signature))
      throw new LedgerError('INVALID_ARGUMENT', 'signature must be base64');
    // The trust list lives in the joint namespace: read it there, in this transaction.
    // Our own chaincode's records, as TrustList wrote them (parseState).
    const authorities = parseState<AuthorityRecord[]>(
      Buffer.from(await callNamespace(ctx, JOINT_NAMESPACE, 'TrustList:ListAuthorities', [])),
    );
    const anchors = authorities.map(toTrustAnchor);
    const evidence = await verifyDetachedSignature(
      canonicalBytes(filing),
      new Uint8Array(Buffer.from(signature, 'base64')),
      anchors,
      new Date(act.at),
    );
    const commercial = canonicalBytes(filing.commercial);
    const input: FileInput = {
      declaration: filing.declaration,
      commercialSha256: toHex(await sha256(commercial)),
      signature: evidence,
    };
    return { input, commercial };
  }

  @Transaction()
  @Returns('string')
  async File(ctx: Context, declarationJson: string, signatureBase64: string): Promise<string> {
    const act = this.act(ctx, 'FILE', '');
    const { input, commercial } = await this.verifiedFiling(
      ctx,
      declarationJson,
      signatureBase64,
      act,
    );
    const id = input.declaration.declarationId;
    if ((await ctx.stub.getState(this.key(ctx, id))).length > 0) {
      throw new LedgerError('ALREADY_EXISTS', `declaration ${id} already exists`);
    }
    await this.requireUnusedElsewhere(ctx, input.declaration.jurisdiction, id);
    const record = fileDeclaration(input, act);
    await ctx.stub.putPrivateData(
      commercialCollection(record.jurisdiction),
      `${id}#${record.version}`,
      commercial,
    );
    await ctx.stub.putState(
      ctx.stub.createCompositeKey(BY_CONSIGNMENT, [record.consignmentRef, id]),
      Buffer.from([0]),
    );
    const releaseKey = ctx.stub.createCompositeKey(RELEASE, [id]);
    await writeJson(ctx, releaseKey, {});
    await requirePeersOf(ctx, releaseKey, jointAgencies(record.jurisdiction));
    return this.save(ctx, record);
  }

  @Transaction()
  @Returns('string')
  async Amend(ctx: Context, declarationJson: string, signatureBase64: string): Promise<string> {
    const act = this.act(ctx, 'AMEND', 'amended by the declarant');
    const { input, commercial } = await this.verifiedFiling(
      ctx,
      declarationJson,
      signatureBase64,
      act,
    );
    const record = amendDeclaration(
      await this.load(ctx, input.declaration.declarationId),
      input,
      act,
    );
    await ctx.stub.putPrivateData(
      commercialCollection(record.jurisdiction),
      `${record.declarationId}#${record.version}`,
      commercial,
    );
    return this.save(ctx, record);
  }

  /**
   * A declaration id names one declaration on the channel: joint acts (seals, crossings)
   * find it by id in whichever jurisdiction's namespace holds it.
   */
  private async requireUnusedElsewhere(ctx: Context, jurisdiction: string, id: string) {
    for (const [other, namespace] of Object.entries(JURISDICTION_NAMESPACES)) {
      if (other === jurisdiction) continue;
      try {
        await callNamespace(ctx, namespace, 'Declaration:Get', [id]);
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'NOT_FOUND') continue;
        throw error;
      }
      throw new LedgerError('ALREADY_EXISTS', `declaration ${id} exists in ${namespace}`);
    }
  }

  /**
   * A declaration as a joint act changed it (a seal alarm's or a crossing outcome's hold or
   * unhold, computed by the joint namespace's code under the allow table's paths): reached
   * only by a chaincode-to-chaincode call from the joint namespace (the proposal names it),
   * only for a declaration this namespace holds, with the same id and jurisdiction.
   */
  @Transaction()
  @Returns('string')
  async SaveFromJoint(ctx: Context, recordJson: string): Promise<string> {
    requireHome(ctx);
    const next = parseArgument(DeclarationRecordSchema, recordJson, 'record');
    const current = await this.load(ctx, next.declarationId);
    if (
      current.jurisdiction !== next.jurisdiction ||
      current.version !== next.version ||
      next.lastAct.txId !== ctx.stub.getTxID()
    )
      throw new LedgerError('CONFLICT', `declaration ${next.declarationId} changed elsewhere`);
    return saveDeclaration(ctx, next, { event: false });
  }

  private async officerAct(
    ctx: Context,
    id: string,
    input: ActInput,
    reason: string,
  ): Promise<string> {
    const act = this.act(ctx, input.action, reason);
    const record = await this.load(ctx, id);
    requireHome(ctx, record.jurisdiction);
    requireAllowed(input.action, record.jurisdiction, act.actor);
    const next = applyAct(record, input, act);
    if (input.action === 'RELEASE') {
      // The release key carries the key-level policy: this write needs every joint agency's peer.
      await writeJson(
        ctx,
        ctx.stub.createCompositeKey(RELEASE, [record.declarationId]),
        next.releases,
      );
    }
    return this.save(ctx, next);
  }

  @Transaction()
  @Returns('string')
  async Accept(ctx: Context, id: string, reason: string): Promise<string> {
    return this.officerAct(ctx, id, { action: 'ACCEPT' }, reason);
  }

  @Transaction()
  @Returns('string')
  async Reject(ctx: Context, id: string, reason: string): Promise<string> {
    return this.officerAct(ctx, id, { action: 'REJECT' }, reason);
  }

  @Transaction()
  @Returns('string')
  async AssessRisk(
    ctx: Context,
    id: string,
    level: string,
    score: string,
    reason: string,
  ): Promise<string> {
    const n = Number(score);
    if (!isRiskLevel(level) || !isRiskScore(n)) {
      throw new LedgerError(
        'INVALID_ARGUMENT',
        `risk level must be ${RISK_LEVELS.join(', ')} and score an integer ${RISK_SCORE.min}-${RISK_SCORE.max}`,
      );
    }
    return this.officerAct(ctx, id, { action: 'ASSESS_RISK', level, score: n }, reason);
  }

  @Transaction()
  @Returns('string')
  async MarkReleaseEligible(ctx: Context, id: string, reason: string): Promise<string> {
    return this.officerAct(ctx, id, { action: 'MARK_RELEASE_ELIGIBLE' }, reason);
  }

  @Transaction()
  @Returns('string')
  async OrderInspection(ctx: Context, id: string, reason: string): Promise<string> {
    return this.officerAct(ctx, id, { action: 'ORDER_INSPECTION' }, reason);
  }

  @Transaction()
  @Returns('string')
  async RecordInspection(
    ctx: Context,
    id: string,
    result: string,
    findings: string,
  ): Promise<string> {
    if (result !== 'COMPLIANT' && result !== 'NON_COMPLIANT') {
      throw new LedgerError('INVALID_ARGUMENT', 'result must be COMPLIANT or NON_COMPLIANT');
    }
    const text = boundedText(findings, 'findings', FINDINGS_MAX);
    return this.officerAct(ctx, id, { action: 'RECORD_INSPECTION', result, findings: text }, '');
  }

  @Transaction()
  @Returns('string')
  async Release(ctx: Context, id: string, reason: string): Promise<string> {
    return this.officerAct(ctx, id, { action: 'RELEASE' }, reason);
  }

  @Transaction()
  @Returns('string')
  async Close(ctx: Context, id: string, reason: string): Promise<string> {
    return this.officerAct(ctx, id, { action: 'CLOSE' }, reason);
  }

  @Transaction()
  @Returns('string')
  async Hold(ctx: Context, id: string, reason: string): Promise<string> {
    return this.officerAct(ctx, id, { action: 'HOLD' }, reason);
  }

  @Transaction()
  @Returns('string')
  async Unhold(ctx: Context, id: string, reason: string): Promise<string> {
    return this.officerAct(ctx, id, { action: 'UNHOLD' }, reason);
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, id: string): Promise<string> {
    return JSON.stringify(await this.load(ctx, id));
  }

  /** Every declaration of one consignment: the HK export and the GD import of the same goods. */
  @Transaction(false)
  @Returns('string')
  async ListByConsignment(ctx: Context, consignmentRef: string): Promise<string> {
    const ref = boundedText(consignmentRef, 'consignmentRef', 35);
    const out: DeclarationRecord[] = [];
    for await (const row of ctx.stub.getStateByPartialCompositeKey(BY_CONSIGNMENT, [ref])) {
      const { attributes } = ctx.stub.splitCompositeKey(row.key);
      const id = attributes[1];
      if (id !== undefined) out.push(await this.load(ctx, id));
    }
    return JSON.stringify(out);
  }

  /** Who did what, when, in which transaction: one entry per committed change. */
  @Transaction(false)
  @Returns('string')
  async GetHistory(ctx: Context, id: string): Promise<string> {
    await this.load(ctx, id);
    const entries = [];
    for await (const change of ctx.stub.getHistoryForKey(this.key(ctx, id))) {
      const record = parseState<DeclarationRecord>(change.value);
      // lastAct.txId is the transaction that wrote this version: change.txId.
      entries.push({
        ...record.lastAct,
        version: record.version,
        state: record.state,
        onHold: record.hold !== null,
      });
    }
    return JSON.stringify(entries);
  }

  /**
   * Shares the commercial values of the declaration's current version with the other
   * side's customs service: an act of the owning side's customs officer (the allow table),
   * recorded on the ledger (who, when, which version and the values' SHA-256, to whom, why)
   * with its event. The values are copied into the owning namespace's shared collection,
   * whose members include the other side's customs service; its own collection is as before.
   */
  @Transaction()
  @Returns('string')
  async ShareCommercial(ctx: Context, id: string, shareJson: string): Promise<string> {
    const actor = actorOf(ctx);
    const input = parseArgument(CommercialShareInputSchema, shareJson, 'share');
    const record = await this.load(ctx, id);
    requireHome(ctx, record.jurisdiction);
    requireShareAllowed(actor, record.jurisdiction, input.to);
    const valuesKey = `${record.declarationId}#${record.version}`;
    const values = await ctx.stub.getPrivateData(
      commercialCollection(record.jurisdiction),
      valuesKey,
    );
    if (values.length === 0)
      throw new LedgerError(
        'NOT_FOUND',
        `no commercial values for ${id} version ${record.version}`,
      );
    await ctx.stub.putPrivateData(
      sharedCommercialCollection(record.jurisdiction),
      valuesKey,
      values,
    );
    const share: CommercialShareRecord = {
      declarationId: record.declarationId,
      version: record.version,
      from: record.jurisdiction,
      to: input.to,
      reason: input.reason,
      valuesSha256: toHex(await sha256(values)),
      sharedBy: actor,
      at: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    await writeJson(
      ctx,
      ctx.stub.createCompositeKey(COMMERCIAL_SHARE, [record.declarationId, share.txId]),
      share,
    );
    emit(ctx, EVENTS.CommercialValuesShared, share);
    return JSON.stringify(share);
  }

  /** The shares recorded of a declaration's commercial values, oldest first. */
  @Transaction(false)
  @Returns('string')
  async ListCommercialShares(ctx: Context, id: string): Promise<string> {
    const record = await this.load(ctx, id);
    const shares: CommercialShareRecord[] = [];
    for await (const row of ctx.stub.getStateByPartialCompositeKey(COMMERCIAL_SHARE, [
      record.declarationId,
    ]))
      shares.push(parseState<CommercialShareRecord>(row.value));
    return JSON.stringify(shares.sort((a, b) => a.at.localeCompare(b.at)));
  }

  /**
   * The commercial values of a version; only peers of the collection's members hold them.
   * The owning side's agencies read its own collection; the other side reads what was
   * shared with it (the shared collection), NOT_FOUND while nothing was.
   */
  @Transaction(false)
  @Returns('string')
  async GetCommercial(ctx: Context, id: string, version: string): Promise<string> {
    const actor = actorOf(ctx);
    if (!['customs-officer', 'ciq-officer', 'filing-agent'].includes(actor.role ?? '')) {
      throw new LedgerError(
        'FORBIDDEN',
        'only officers and filing agents may read commercial values',
      );
    }
    const record = await this.load(ctx, id);
    const v = version === '' ? record.version : Number(version);
    const own = jointAgencies(record.jurisdiction).includes(actor.mspId);
    // What was shared was shared with the other side's customs officers, not its agents.
    if (!own && actor.role !== 'customs-officer')
      throw new LedgerError(
        'FORBIDDEN',
        `only customs officers read the shared values of a ${record.jurisdiction} declaration`,
      );
    const bytes = await ctx.stub.getPrivateData(
      own
        ? commercialCollection(record.jurisdiction)
        : sharedCommercialCollection(record.jurisdiction),
      `${record.declarationId}#${v}`,
    );
    if (bytes.length === 0)
      throw new LedgerError('NOT_FOUND', `no commercial values for ${id} version ${version}`);
    return Buffer.from(bytes).toString();
  }
}
