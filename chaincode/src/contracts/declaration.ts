import {
  DECLARATION_CONTRACT,
  parseFiling,
  LedgerError,
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
  DeclarationRecordSchema,
  JURISDICTION_NAMESPACES,
  commercialCollection,
  sharedCommercialCollection,
  requireShareAllowed,
  CommercialShareInputSchema,
  type CommercialShareRecord,
  EVENTS,
  ALLOWED_FROM,
  JURISDICTIONS,
  SubmissionRecordSchema,
  declarationOf,
  halfChanged,
  sameHalf,
  namespaceOf,
  otherSide,
  pairLink,
  parseDualSubmission,
  PendingHalfSchema,
  type DualSubmission,
  type Jurisdiction,
  type PendingHalf,
} from '@clearance/domain';
import { z } from 'zod';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalBytes, toHex } from '@clearance/core';
import { actorOf, requirePeersOf, txTime } from '../stub/identity';
import {
  boundedText,
  parseArgument,
  parseState,
  parseJsonArgument,
  readJson,
  writeJson,
  emit,
} from '../stub/ledger-io';
import { callNamespace, requireHome } from '../stub/namespace';
import {
  declarationKey,
  findDeclaration,
  loadDeclaration,
  saveDeclaration,
} from './declaration-store';
import {
  checkedCommercial,
  deletePending,
  handOverKey,
  handOverValues,
  jurisdictionArgument,
  listPendingFor,
  readPending,
  readSubmission,
  recordSubmission,
  signatureArgument,
  transientCommercial,
  verifiedSignature,
} from './dual-filing';

export { DECLARATION_CONTRACT };
const RELEASE = 'release';
/** Index: consignment reference → declarations (the HK export and the GD import of the goods). */
const BY_CONSIGNMENT = 'consignment';
/** SettleHalves' argument: the submissions whose index entries to clear. */
const SubmissionIdsSchema = z.array(z.string().min(1).max(64)).max(200);
/** A recorded share of commercial values: (declaration id, transaction id). */
const COMMERCIAL_SHARE = 'commercialShare';

/**
 * Whether `half` is the half an index entry waits for, at the entry's version or later: a
 * declaration under that id filed for another submission (or alone) is not it.
 */
function halfOf(half: DeclarationRecord | undefined, entry: PendingHalf): boolean {
  const pair = half?.pair;
  return (
    pair !== undefined &&
    pair.submissionId === entry.submissionId &&
    pair.receivedIn === entry.receivedIn &&
    pair.submissionVersion >= entry.version
  );
}

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
    const signature = signatureArgument(signatureBase64);
    const evidence = await verifiedSignature(ctx, canonicalBytes(filing), signature, act.at, [
      filing.declaration.jurisdiction,
    ]);
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
    return this.recordNew(ctx, fileDeclaration(input, act), commercial);
  }

  /** Records a new declaration (a filing, or a half of a dual one) with its values, if given. */
  private async recordNew(
    ctx: Context,
    record: DeclarationRecord,
    commercial: Uint8Array | undefined,
  ): Promise<string> {
    const id = record.declarationId;
    if ((await ctx.stub.getState(this.key(ctx, id))).length > 0) {
      throw new LedgerError('ALREADY_EXISTS', `declaration ${id} already exists`);
    }
    await this.requireUnusedElsewhere(ctx, record.jurisdiction, id);
    if (commercial)
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

  /**
   * A dual filing received here (`receivedIn`, this namespace's jurisdiction): records the
   * submission and this side's half; the other side's node files its half from it
   * (FileHalf). The signer must be recognised for both sides, checked before anything is
   * written. Transient `commercial`: this side's values; `commercialOther` (optional): the
   * other side's, checked against the signed hash and handed over through this namespace's
   * shared collection for the other side's FileHalf.
   */
  @Transaction()
  @Returns('string')
  async FileDual(
    ctx: Context,
    receivedIn: string,
    submissionJson: string,
    signatureBase64: string,
  ): Promise<string> {
    const here = jurisdictionArgument(receivedIn);
    requireHome(ctx, here);
    const act = this.act(ctx, 'FILE', '');
    requireAllowed('FILE', here, act.actor);
    const submission = parseDualSubmission(parseJsonArgument(submissionJson, 'submission'));
    const signature = signatureArgument(signatureBase64);
    const evidence = await verifiedSignature(ctx, canonicalBytes(submission), signature, act.at, [
      ...JURISDICTIONS,
    ]);
    if (await readSubmission(ctx, submission.submissionId))
      throw new LedgerError('ALREADY_EXISTS', `submission ${submission.submissionId} exists`);
    const there = otherSide(here);
    await this.requireUnusedElsewhere(ctx, here, submission.sides[there].declarationId);
    const commercial = await transientCommercial(ctx, submission, here, true);
    const half = {
      ...fileDeclaration(
        {
          declaration: declarationOf(submission, here),
          commercialSha256: submission.sides[here].commercialSha256,
          signature: evidence,
        },
        act,
      ),
      pair: pairLink(submission, 1, here, here),
    };
    await recordSubmission(ctx, {
      submissionId: submission.submissionId,
      version: 1,
      receivedIn: here,
      submission,
      signatureBase64: signature,
      signature: evidence,
      at: act.at,
      txId: act.txId,
    });
    await handOverValues(ctx, submission, here, 1);
    return this.recordNew(ctx, half, commercial);
  }

  /**
   * Amends a dual filing where it was received, with one new signature over the whole: the
   * submission's next version, and this side's half if what it declares changed; the other
   * side's node amends its half from it (FileHalf). Refused at once when a half that would
   * change can no longer be amended.
   */
  @Transaction()
  @Returns('string')
  async AmendDual(
    ctx: Context,
    receivedIn: string,
    submissionJson: string,
    signatureBase64: string,
  ): Promise<string> {
    const here = jurisdictionArgument(receivedIn);
    requireHome(ctx, here);
    const act = this.act(ctx, 'AMEND', 'amended by the declarant');
    requireAllowed('AMEND', here, act.actor);
    const next = parseDualSubmission(parseJsonArgument(submissionJson, 'submission'));
    const current = await readSubmission(ctx, next.submissionId);
    if (!current)
      throw new LedgerError('NOT_FOUND', `submission ${next.submissionId} is not recorded here`);
    for (const j of JURISDICTIONS)
      if (current.submission.sides[j].declarationId !== next.sides[j].declarationId)
        throw new LedgerError('INVALID_ARGUMENT', `sides.${j}.declarationId cannot change`);
    const signature = signatureArgument(signatureBase64);
    const evidence = await verifiedSignature(ctx, canonicalBytes(next), signature, act.at, [
      ...JURISDICTIONS,
    ]);
    if (current.signature.signerId !== evidence.signerId)
      throw new LedgerError(
        'FORBIDDEN',
        `an amendment of ${next.submissionId} must be signed by its declarant`,
      );
    const there = otherSide(here);
    if (halfChanged(current.submission, next, there)) {
      const other = await findDeclaration(ctx, next.sides[there].declarationId).catch(
        (error: unknown) => {
          if (error instanceof LedgerError && error.code === 'NOT_FOUND') return undefined;
          throw error;
        },
      );
      if (other && !ALLOWED_FROM.AMEND.includes(other.state))
        throw new LedgerError(
          'INVALID_STATE',
          `the ${there} declaration ${other.declarationId} is ${other.state}: it can no longer be amended`,
        );
    }
    const version = current.version + 1;
    await recordSubmission(ctx, {
      ...current,
      version,
      submission: next,
      signatureBase64: signature,
      signature: evidence,
      at: act.at,
      txId: act.txId,
    });
    // At every version: the other side may file its half first from a later one.
    await handOverValues(ctx, next, here, version);
    const half = await this.load(ctx, next.sides[here].declarationId);
    const link = pairLink(next, version, here, here);
    if (!halfChanged(current.submission, next, here)) {
      // No act on this half, but the other side's node has work: say so.
      emit(ctx, EVENTS.DualSubmissionAmended, {
        submissionId: next.submissionId,
        version,
        receivedIn: here,
        at: act.at,
        txId: act.txId,
      });
      return saveDeclaration(ctx, { ...half, pair: link }, { event: false });
    }
    const commercial = await transientCommercial(ctx, next, here, true);
    const amended = amendDeclaration(
      half,
      {
        declaration: declarationOf(next, here),
        commercialSha256: next.sides[here].commercialSha256,
        signature: evidence,
      },
      act,
    );
    if (commercial)
      await ctx.stub.putPrivateData(
        commercialCollection(here),
        `${amended.declarationId}#${amended.version}`,
        commercial,
      );
    return this.save(ctx, { ...amended, pair: link });
  }

  /**
   * This side's half of a submission the other side received: filed, amended to its
   * version, or left as it is if it is there already (idempotent by submission id and
   * version), after verifying the same signature against the trust list. Transient
   * `commercial` (optional): this side's values, checked against the signed hash.
   */
  @Transaction()
  @Returns('string')
  async FileHalf(
    ctx: Context,
    jurisdiction: string,
    submissionId: string,
    receivedIn: string,
  ): Promise<string> {
    const here = jurisdictionArgument(jurisdiction);
    const from = jurisdictionArgument(receivedIn);
    requireHome(ctx, here);
    if (from === here)
      throw new LedgerError(
        'INVALID_ARGUMENT',
        'the half of the side that received it is filed with it',
      );
    const act = this.act(ctx, 'FILE', '');
    requireAllowed('FILE', here, act.actor);
    const recorded = SubmissionRecordSchema.parse(
      JSON.parse(
        await callNamespace(ctx, namespaceOf(from), 'Declaration:GetSubmission', [
          from,
          boundedText(submissionId, 'submissionId', 64),
        ]),
      ),
    );
    const submission = parseDualSubmission(recorded.submission);
    // The same signature, checked again here, as of the time the submission was recorded.
    const evidence = await verifiedSignature(
      ctx,
      canonicalBytes(submission),
      recorded.signatureBase64,
      recorded.at,
      [here],
    );
    const id = submission.sides[here].declarationId;
    const link = pairLink(submission, recorded.version, from, here);
    const existing = await readJson<DeclarationRecord>(ctx, this.key(ctx, id));
    const input = {
      declaration: declarationOf(submission, here),
      commercialSha256: submission.sides[here].commercialSha256,
      signature: evidence,
    };
    if (
      existing &&
      (existing.pair?.submissionId !== submission.submissionId || existing.pair.receivedIn !== from)
    )
      throw new LedgerError('ALREADY_EXISTS', `declaration ${id} exists outside this submission`);
    // Filed already at this version (a retry): nothing to read or write.
    if (existing?.pair && existing.pair.submissionVersion >= recorded.version)
      return JSON.stringify(existing);
    // Its values: from this node's own gateway if it has them, else as the receiving side
    // handed them over (its shared collection, on this side's peers too); else the hash only.
    const commercial =
      (await transientCommercial(ctx, submission, here, false)) ??
      (await this.handedOver(ctx, submission, from, recorded.version));
    if (!existing)
      return this.recordNew(ctx, { ...fileDeclaration(input, act), pair: link }, commercial);
    if (sameHalf(existing, input))
      return saveDeclaration(ctx, { ...existing, pair: link }, { event: false });
    const amended = amendDeclaration(existing, input, {
      ...act,
      action: 'AMEND',
      reason: 'amended by the declarant',
    });
    if (commercial)
      await ctx.stub.putPrivateData(
        commercialCollection(here),
        `${id}#${amended.version}`,
        commercial,
      );
    return this.save(ctx, { ...amended, pair: link });
  }

  /** The values `from` handed over for this side's half of a submission version, if here. */
  private async handedOver(
    ctx: Context,
    submission: DualSubmission,
    from: Jurisdiction,
    version: number,
  ): Promise<Uint8Array | undefined> {
    const here = otherSide(from);
    try {
      const json = await callNamespace(ctx, namespaceOf(from), 'Declaration:HandedOverValues', [
        from,
        submission.submissionId,
        String(version),
      ]);
      return await checkedCommercial(submission, here, json, 'handed-over values');
    } catch (error) {
      // None handed over (or not to this filer, e.g. the other side's agent, whom the allow
      // table lets file too): the half is recorded with the signed hash only.
      if (error instanceof LedgerError && ['NOT_FOUND', 'FORBIDDEN'].includes(error.code))
        return undefined;
      throw error;
    }
  }

  /**
   * The other side's values handed over with a submission received here (`receivedIn`), for
   * that side's filing agent only (FileHalf reads them by a chaincode-to-chaincode call).
   * NOT_FOUND when none were handed over or this peer does not hold them (yet).
   */
  @Transaction(false)
  @Returns('string')
  async HandedOverValues(
    ctx: Context,
    receivedIn: string,
    submissionId: string,
    version: string,
  ): Promise<string> {
    const here = jurisdictionArgument(receivedIn);
    const there = otherSide(here);
    const actor = actorOf(ctx);
    // Its own agencies' filing agent only (the allow table lets either side's agents file).
    if (actor.role !== 'filing-agent' || !jointAgencies(there).includes(actor.mspId))
      throw new LedgerError('FORBIDDEN', `only a ${there} filing agent reads ${there} values`);
    const id = boundedText(submissionId, 'submissionId', 64);
    if (!/^[1-9][0-9]{0,8}$/.test(version))
      throw new LedgerError('INVALID_ARGUMENT', 'version must be a positive integer');
    const values = await ctx.stub.getPrivateData(
      sharedCommercialCollection(here),
      handOverKey(id, Number(version), there),
    );
    if (values.length === 0)
      throw new LedgerError('NOT_FOUND', `no ${there} values handed over for ${id} v${version}`);
    return Buffer.from(values).toString();
  }

  /** A dual submission recorded in this namespace (`receivedIn` names it, for routing). */
  @Transaction(false)
  @Returns('string')
  async GetSubmission(ctx: Context, receivedIn: string, submissionId: string): Promise<string> {
    jurisdictionArgument(receivedIn);
    const record = await readSubmission(ctx, boundedText(submissionId, 'submissionId', 64));
    if (!record) throw new LedgerError('NOT_FOUND', `submission ${submissionId} does not exist`);
    return JSON.stringify(record);
  }

  /**
   * The halves this side (`jurisdiction`, this namespace's) has yet to file or bring up to
   * their submission's version: what its node's worker files with FileHalf. Reads the other
   * namespace's index of pending halves (OpenHalves) and each listed half here, nothing else.
   */
  @Transaction(false)
  @Returns('string')
  async PendingHalves(ctx: Context, jurisdiction: string): Promise<string> {
    const here = jurisdictionArgument(jurisdiction);
    const from = otherSide(here);
    const open = z
      .array(PendingHalfSchema)
      .parse(
        JSON.parse(await callNamespace(ctx, namespaceOf(from), 'Declaration:OpenHalves', [from])),
      );
    const pending: PendingHalf[] = [];
    for (const entry of open) {
      const half = await readJson<DeclarationRecord>(ctx, this.key(ctx, entry.declarationId));
      if (!halfOf(half, entry)) pending.push(entry);
    }
    return JSON.stringify(pending);
  }

  /**
   * The index entries of submissions received here (`receivedIn`, this namespace's) whose
   * other half is not settled yet: filed or not, those SettleHalves has not cleared.
   */
  @Transaction(false)
  @Returns('string')
  async OpenHalves(ctx: Context, receivedIn: string): Promise<string> {
    const here = jurisdictionArgument(receivedIn);
    return JSON.stringify(await listPendingFor(ctx, otherSide(here)));
  }

  /**
   * The index entries of submissions received here (`receivedIn`) whose other half the other
   * side has filed at (or past) the entry's version: what SettleHalves may clear.
   */
  @Transaction(false)
  @Returns('string')
  async SettleableHalves(ctx: Context, receivedIn: string): Promise<string> {
    const here = jurisdictionArgument(receivedIn);
    const there = otherSide(here);
    const settleable: PendingHalf[] = [];
    for (const entry of await listPendingFor(ctx, there))
      if (await this.otherHalfFiled(ctx, entry)) settleable.push(entry);
    return JSON.stringify(settleable);
  }

  /**
   * Clears the index entries of the named submissions received here whose other half the
   * other side has filed at (or past) the entry's version, read in its namespace; resolves
   * with those cleared. Point reads only (no range: a filing meanwhile does not invalidate
   * it). The other side's FileHalf cannot clear them itself: a write here needs this side's
   * endorsement, and the half must not depend on this side's peers. Run by this side's
   * filing agent; an entry whose half is missing or behind stays (nothing is lost).
   */
  @Transaction()
  @Returns('string')
  async SettleHalves(ctx: Context, receivedIn: string, submissionIdsJson: string): Promise<string> {
    const here = jurisdictionArgument(receivedIn);
    requireHome(ctx, here);
    requireAllowed('FILE', here, actorOf(ctx));
    const ids = parseArgument(SubmissionIdsSchema, submissionIdsJson, 'submissionIds');
    const settled: PendingHalf[] = [];
    for (const id of new Set(ids)) {
      const entry = await readPending(ctx, otherSide(here), id);
      if (!entry || !(await this.otherHalfFiled(ctx, entry))) continue;
      await deletePending(ctx, entry);
      settled.push(entry);
    }
    return JSON.stringify(settled);
  }

  /** Whether the other side holds the half of an index entry at its version or later. */
  private async otherHalfFiled(ctx: Context, entry: PendingHalf): Promise<boolean> {
    return halfOf(
      await this.otherHalf(ctx, otherSide(entry.receivedIn), entry.declarationId),
      entry,
    );
  }

  /** The declaration `id` in `jurisdiction`'s namespace, or undefined if it is not there. */
  private async otherHalf(
    ctx: Context,
    jurisdiction: Jurisdiction,
    id: string,
  ): Promise<DeclarationRecord | undefined> {
    try {
      return DeclarationRecordSchema.parse(
        JSON.parse(await callNamespace(ctx, namespaceOf(jurisdiction), 'Declaration:Get', [id])),
      );
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
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
