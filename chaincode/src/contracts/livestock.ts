import {
  LIVESTOCK_CONTRACT,
  LIVESTOCK_WRITES,
  JOINT_NAMESPACE,
  JURISDICTION_NAMESPACES,
  LIVESTOCK_REASONS,
  EVENTS,
  LedgerError,
  ArrivalInputSchema,
  ArrivalRecordSchema,
  CertifierInputSchema,
  ConsignmentRecordSchema,
  FarmInputSchema,
  FarmPrivateSchema,
  FarmRecordSchema,
  HealthCertificateSchema,
  ReceiptInputSchema,
  ReceiptRecordSchema,
  SealRecordSchema,
  SealTrackSchema,
  CarcassEntrySchema,
  type CarcassEntry,
  TRACE_KINDS,
  applyAct,
  certifyConsignment,
  changeFarmStatus,
  checkArrival,
  commercialCollection,
  holdForRecall,
  inTransit,
  isAllowed,
  linkSeal,
  receiveAtSlaughterhouse,
  registerFarm,
  requireCertifier,
  requireFarmCertifiable,
  requireLivestockAllowed,
  sha256,
  stageOf,
  toTrustAnchor,
  verifyDetachedSignature,
  type ArrivalRecord,
  type AuthorityRecord,
  type CertificateCheck,
  type CertifierRecord,
  type ConsignmentRecord,
  type FarmRecord,
  type LivestockAct,
  type LivestockAction,
  type Namespace,
  type ReceiptRecord,
  type SealView,
  type TraceBack,
  RECORD_KEYS,
} from '@clearance/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalBytes, toHex } from '@clearance/core';
import { actorOf, txTime } from '../stub/identity';
import {
  boundedText,
  emit,
  parseArgument,
  parseState,
  readJson,
  writeJson,
} from '../stub/ledger-io';
import { callNamespace, proposedNamespace, requireHome, transactionOf } from '../stub/namespace';
import { loadDeclaration, saveDeclaration } from './declaration-store';
import { ANCHOR, SEAL } from './seal';
import { SEAL_CROSSINGS } from './crossing';

export { LIVESTOCK_CONTRACT };
const FARM = 'farm';
const CERTIFIER = 'certifier';
const CONSIGNMENT = 'livestockconsignment';
/** Ear tag → the consignment whose certificate lists it (an animal travels once). */
const EAR_TAG = 'eartag';
/** Farm → its consignments (recall finds those in transit). */
const FARM_CONSIGNMENT = 'farmconsignment';
const ARRIVAL = 'arrival';
const RECEIPT = 'receipt';
/** Carcass id → ear tag and consignment (trace-back from a carcass found non-compliant). */
const CARCASS = 'carcass';

interface EarTagEntry {
  consignmentId: string;
}

const base64 = /^[A-Za-z0-9+/]+=*$/;

/**
 * Food animals supplied to Hong Kong (domain/livestock): GD inspection and quarantine's acts
 * in GD's namespace, Hong Kong's Centre for Food Safety's in HK's (livestock/routing.ts), each
 * reading the other side's records, the trust list and the seal by chaincode-to-chaincode
 * calls. Trace-back answers in one query from whichever namespace it is proposed to.
 */
@Info({ title: 'Livestock', description: 'Food animals supplied to Hong Kong, farm to slaughter' })
export class LivestockContract extends Contract {
  constructor() {
    super(LIVESTOCK_CONTRACT);
  }

  /** Each side's writes only in its own namespace (reads anywhere). */
  override async beforeTransaction(ctx: Context): Promise<void> {
    const side = LIVESTOCK_WRITES[transactionOf(ctx)];
    if (side) requireHome(ctx, side);
  }

  private act(ctx: Context, action: LivestockAction, reason: string): LivestockAct {
    const actor = actorOf(ctx);
    requireLivestockAllowed(action, actor);
    return {
      action,
      actor,
      reason: boundedText(reason, 'reason', 512),
      at: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
  }

  private key(ctx: Context, type: string, id: string, name: string): string {
    return ctx.stub.createCompositeKey(type, [boundedText(id, name, 64)]);
  }

  private async farm(ctx: Context, farmId: string): Promise<FarmRecord> {
    const farm = await readJson<FarmRecord>(ctx, this.key(ctx, FARM, farmId, 'farmId'));
    if (!farm)
      throw new LedgerError(
        'NOT_FOUND',
        `farm ${farmId} is not registered`,
        LIVESTOCK_REASONS.FARM_NOT_REGISTERED,
      );
    return farm;
  }

  private async consignment(ctx: Context, id: string): Promise<ConsignmentRecord> {
    const record = await readJson<ConsignmentRecord>(
      ctx,
      this.key(ctx, CONSIGNMENT, id, 'consignmentId'),
    );
    if (!record) throw new LedgerError('NOT_FOUND', `consignment ${id} does not exist`);
    return record;
  }

  private async saveFarm(ctx: Context, farm: FarmRecord, event: string, detail: object = {}) {
    const bytes = await writeJson(ctx, this.key(ctx, FARM, farm.farmId, 'farmId'), farm);
    emit(ctx, event, {
      farmId: farm.farmId,
      status: farm.status,
      action: farm.lastAct.action,
      actor: farm.lastAct.actor,
      at: farm.lastAct.at,
      txId: farm.lastAct.txId,
      ...detail,
    });
    return bytes.toString();
  }

  private saveConsignment(ctx: Context, record: ConsignmentRecord): Promise<Buffer> {
    return writeJson(
      ctx,
      this.key(ctx, CONSIGNMENT, record.consignmentId, 'consignmentId'),
      record,
    );
  }

  /**
   * A read of `namespace`'s records: run here when this transaction was proposed to it,
   * else by a chaincode-to-chaincode call (its reads join the read set). NOT_FOUND → null.
   */
  private async readIn(
    ctx: Context,
    namespace: Namespace,
    transaction: string,
    args: string[],
    local: () => Promise<string>,
  ): Promise<unknown> {
    try {
      const json =
        proposedNamespace(ctx) === namespace
          ? await local()
          : await callNamespace(ctx, namespace, transaction, args);
      return JSON.parse(json);
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private async gdConsignment(ctx: Context, id: string): Promise<ConsignmentRecord> {
    const found = await this.readIn(
      ctx,
      JURISDICTION_NAMESPACES.GD,
      'Livestock:GetConsignment',
      [id],
      () => this.GetConsignment(ctx, id),
    );
    if (found === null) throw new LedgerError('NOT_FOUND', `consignment ${id} does not exist`);
    return ConsignmentRecordSchema.parse(found);
  }

  private async hkArrival(ctx: Context, id: string): Promise<ArrivalRecord | null> {
    const found = await this.readIn(
      ctx,
      JURISDICTION_NAMESPACES.HK,
      'Livestock:GetArrival',
      [id],
      () => this.GetArrival(ctx, id),
    );
    return found === null ? null : ArrivalRecordSchema.parse(found);
  }

  private async sealView(ctx: Context, sealId: string): Promise<SealView> {
    const seal = SealRecordSchema.parse(
      JSON.parse(await callNamespace(ctx, JOINT_NAMESPACE, 'Seal:GetSeal', [sealId])),
    );
    return seal;
  }

  // ---- GD inspection and quarantine (GD's namespace) ----

  /** Registers a farm; its operator's details come as transient "farm" into GD's collection. */
  @Transaction()
  @Returns('string')
  async RegisterFarm(ctx: Context, farmJson: string): Promise<string> {
    const act = this.act(ctx, 'REGISTER_FARM', 'registered');
    const input = parseArgument(FarmInputSchema, farmJson, 'farm');
    const privateBytes = ctx.stub.getTransient().get('farm');
    if (!privateBytes)
      throw new LedgerError(
        'INVALID_ARGUMENT',
        'the farm\'s operator details must be sent as transient data "farm"',
      );
    const details = parseArgument(
      FarmPrivateSchema,
      Buffer.from(privateBytes).toString(),
      'farmPrivate',
    );
    const key = this.key(ctx, FARM, input.farmId, 'farmId');
    if (await readJson(ctx, key))
      throw new LedgerError('ALREADY_EXISTS', `farm ${input.farmId} is registered already`);
    const detailBytes = canonicalBytes(details);
    await ctx.stub.putPrivateData(commercialCollection('GD'), `farm/${input.farmId}`, detailBytes);
    const farm = registerFarm(input, toHex(await sha256(detailBytes)), act);
    return this.saveFarm(ctx, farm, EVENTS.FarmRegistered);
  }

  @Transaction()
  @Returns('string')
  async SuspendFarm(ctx: Context, farmId: string, reason: string): Promise<string> {
    const act = this.act(ctx, 'SUSPEND_FARM', reason);
    const farm = changeFarmStatus(await this.farm(ctx, farmId), act);
    return this.saveFarm(ctx, farm, EVENTS.FarmStatusChanged);
  }

  @Transaction()
  @Returns('string')
  async ReinstateFarm(ctx: Context, farmId: string, reason: string): Promise<string> {
    const act = this.act(ctx, 'REINSTATE_FARM', reason);
    const farm = changeFarmStatus(await this.farm(ctx, farmId), act);
    return this.saveFarm(ctx, farm, EVENTS.FarmStatusChanged);
  }

  /**
   * A recall: the farm suspended and, in this one transaction, each of its consignments not
   * yet checked on arrival in Hong Kong held, with the GD declaration its seal covers (the
   * officer's HOLD, as the allow table lets a GD inspection officer hold). One event names
   * them all, for both sides' live streams.
   */
  @Transaction()
  @Returns('string')
  async Recall(ctx: Context, farmId: string, reason: string): Promise<string> {
    const act = this.act(ctx, 'RECALL', reason);
    const farm = changeFarmStatus(await this.farm(ctx, farmId), act);
    const heldConsignments: string[] = [];
    const heldDeclarations: string[] = [];
    for await (const row of ctx.stub.getStateByPartialCompositeKey(FARM_CONSIGNMENT, [
      farm.farmId,
    ])) {
      const { attributes } = ctx.stub.splitCompositeKey(row.key);
      const consignment = await this.consignment(ctx, attributes[1] ?? '');
      const arrived = (await this.hkArrival(ctx, consignment.consignmentId)) !== null;
      if (!inTransit(consignment, arrived)) continue;
      await this.saveConsignment(ctx, holdForRecall(consignment, act));
      heldConsignments.push(consignment.consignmentId);
      const declaration = await loadDeclaration(ctx, consignment.certificate.declarationId);
      const hold = {
        ...act,
        action: 'HOLD' as const,
        reason: `recall of farm ${farm.farmId}: ${act.reason}`,
      };
      if (declaration.hold === null && isAllowed('HOLD', declaration.jurisdiction, act.actor)) {
        await saveDeclaration(ctx, applyAct(declaration, { action: 'HOLD' }, hold), {
          event: false,
        });
        heldDeclarations.push(declaration.declarationId);
      }
    }
    return this.saveFarm(ctx, farm, EVENTS.FarmRecalled, {
      reason: act.reason,
      heldConsignments,
      heldDeclarations,
    });
  }

  @Transaction()
  @Returns('string')
  async RegisterCertifier(ctx: Context, certifierJson: string): Promise<string> {
    const act = this.act(ctx, 'REGISTER_CERTIFIER', 'registered');
    const input = parseArgument(CertifierInputSchema, certifierJson, 'certifier');
    const key = this.key(ctx, CERTIFIER, input.certificateSha256, 'certificateSha256');
    if (await readJson(ctx, key))
      throw new LedgerError('ALREADY_EXISTS', 'that certifying officer is registered already');
    const record: CertifierRecord = { ...input, registered: act };
    const bytes = await writeJson(ctx, key, record);
    emit(ctx, EVENTS.CertifierRegistered, {
      name: input.name,
      office: input.office,
      txId: act.txId,
    });
    return bytes.toString();
  }

  /**
   * A consignment with its health certificate, signed (detached CMS over the certificate's
   * canonical JSON) by the farm's registered veterinarian or a certifying officer, verified
   * through the trust list at the transaction time as a trader's signature is.
   */
  @Transaction()
  @Returns('string')
  async Certify(ctx: Context, certificateJson: string, signatureBase64: string): Promise<string> {
    const act = this.act(ctx, 'CERTIFY', 'certified');
    const certificate = parseArgument(HealthCertificateSchema, certificateJson, 'certificate');
    const farm = requireFarmCertifiable(
      await readJson<FarmRecord>(ctx, this.key(ctx, FARM, certificate.farmId, 'farmId')),
      certificate,
    );
    const cms = boundedText(signatureBase64, 'signature', 64 * 1024);
    if (!base64.test(cms)) throw new LedgerError('INVALID_ARGUMENT', 'signature must be base64');
    const evidence = await this.verify(ctx, canonicalBytes(certificate), cms, new Date(act.at));
    requireCertifier(
      farm,
      evidence,
      await readJson<CertifierRecord>(
        ctx,
        this.key(ctx, CERTIFIER, evidence.certificateSha256, 'certificateSha256'),
      ),
    );
    const key = this.key(ctx, CONSIGNMENT, certificate.consignmentId, 'consignmentId');
    if (await readJson(ctx, key))
      throw new LedgerError('ALREADY_EXISTS', `consignment ${certificate.consignmentId} exists`);
    await loadDeclaration(ctx, certificate.declarationId);
    for (const animal of certificate.animals) {
      const tagKey = ctx.stub.createCompositeKey(EAR_TAG, [animal.earTag]);
      const used = await readJson<EarTagEntry>(ctx, tagKey);
      if (used)
        throw new LedgerError(
          'ALREADY_EXISTS',
          `ear tag ${animal.earTag} is on consignment ${used.consignmentId} already`,
          LIVESTOCK_REASONS.EAR_TAG_IN_USE,
        );
      await writeJson(ctx, tagKey, {
        consignmentId: certificate.consignmentId,
      } satisfies EarTagEntry);
    }
    await ctx.stub.putState(
      ctx.stub.createCompositeKey(FARM_CONSIGNMENT, [farm.farmId, certificate.consignmentId]),
      Buffer.from([0]),
    );
    const record = certifyConsignment(certificate, evidence, cms, act);
    const bytes = await this.saveConsignment(ctx, record);
    emit(ctx, EVENTS.ConsignmentCertified, {
      consignmentId: record.consignmentId,
      farmId: record.farmId,
      certificateNo: certificate.certificateNo,
      species: certificate.species,
      headCount: certificate.headCount,
      declarationId: certificate.declarationId,
      txId: act.txId,
    });
    return bytes.toString();
  }

  /** The trust list is joint: read there, in this transaction. */
  private async verify(ctx: Context, content: Uint8Array, cms: string, at: Date) {
    const authorities = parseState<AuthorityRecord[]>(
      Buffer.from(await callNamespace(ctx, JOINT_NAMESPACE, 'TrustList:ListAuthorities', [])),
    );
    return verifyDetachedSignature(
      content,
      new Uint8Array(Buffer.from(cms, 'base64')),
      authorities.map(toTrustAnchor),
      at,
    );
  }

  /** Binds the truck's e-lock (applied over the consignment's declaration) to it. */
  @Transaction()
  @Returns('string')
  async LinkSeal(ctx: Context, consignmentId: string, sealId: string): Promise<string> {
    const act = this.act(ctx, 'LINK_SEAL', `sealed with ${boundedText(sealId, 'sealId', 64)}`);
    const record = linkSeal(
      await this.consignment(ctx, consignmentId),
      await this.sealView(ctx, sealId),
      act,
    );
    const bytes = await this.saveConsignment(ctx, record);
    emit(ctx, EVENTS.ConsignmentSealed, {
      consignmentId,
      farmId: record.farmId,
      sealId,
      txId: act.txId,
    });
    return bytes.toString();
  }

  // ---- Hong Kong's Centre for Food Safety (HK's namespace) ----

  /**
   * The arrival check at Man Kam To: the certificate's signature verified again here, the
   * ear tags read compared with it, the seal's state from the joint namespace. Recorded
   * once per consignment, ACCEPTED or FLAGGED with what was found.
   */
  @Transaction()
  @Returns('string')
  async CheckArrival(ctx: Context, arrivalJson: string): Promise<string> {
    const act = this.act(ctx, 'CHECK_ARRIVAL', 'checked on arrival');
    const input = parseArgument(ArrivalInputSchema, arrivalJson, 'arrival');
    const key = this.key(ctx, ARRIVAL, input.consignmentId, 'consignmentId');
    if (await readJson(ctx, key))
      throw new LedgerError(
        'ALREADY_EXISTS',
        `consignment ${input.consignmentId} was checked already`,
      );
    const consignment = await this.gdConsignment(ctx, input.consignmentId);
    const farm = FarmRecordSchema.parse(
      JSON.parse(
        await callNamespace(ctx, JURISDICTION_NAMESPACES.GD, 'Livestock:GetFarm', [
          consignment.farmId,
        ]),
      ),
    );
    const record = checkArrival({
      consignment,
      farmStatus: farm.status,
      certificateCheck: await this.recheck(ctx, consignment),
      seal: consignment.sealId ? await this.sealView(ctx, consignment.sealId) : null,
      input,
      act,
    });
    const bytes = await writeJson(ctx, key, record);
    emit(ctx, EVENTS.ArrivalChecked, {
      consignmentId: record.consignmentId,
      farmId: record.farmId,
      result: record.result,
      flags: record.flags,
      missingEarTags: record.missingEarTags.length,
      unexpectedEarTags: record.unexpectedEarTags.length,
      txId: act.txId,
    });
    return bytes.toString();
  }

  /** The certificate's signature, verified at its certification time against today's list. */
  private async recheck(ctx: Context, consignment: ConsignmentRecord): Promise<CertificateCheck> {
    try {
      const evidence = await this.verify(
        ctx,
        canonicalBytes(consignment.certificate),
        consignment.signatureCms,
        new Date(consignment.certified.at),
      );
      if (evidence.certificateSha256 !== consignment.signature.certificateSha256)
        return { valid: false, reason: 'SIGNER_CHANGED' };
      return { valid: true, signerSubject: evidence.signerSubject };
    } catch (error) {
      if (error instanceof LedgerError) return { valid: false, reason: error.reason ?? error.code };
      throw error;
    }
  }

  /** Receipt at the licensed slaughterhouse with ante- and post-mortem findings. */
  @Transaction()
  @Returns('string')
  async Receive(ctx: Context, receiptJson: string): Promise<string> {
    const act = this.act(ctx, 'RECEIVE', 'received at slaughterhouse');
    const input = parseArgument(ReceiptInputSchema, receiptJson, 'receipt');
    const key = this.key(ctx, RECEIPT, input.consignmentId, 'consignmentId');
    if (await readJson(ctx, key))
      throw new LedgerError(
        'ALREADY_EXISTS',
        `consignment ${input.consignmentId} was received already`,
      );
    const consignment = await this.gdConsignment(ctx, input.consignmentId);
    const arrival = await readJson<ArrivalRecord>(
      ctx,
      this.key(ctx, ARRIVAL, input.consignmentId, 'consignmentId'),
    );
    const record = receiveAtSlaughterhouse(consignment, arrival, input, act);
    for (const finding of record.postMortem) {
      const carcassKey = ctx.stub.createCompositeKey(CARCASS, [finding.carcassId]);
      if (await readJson(ctx, carcassKey))
        throw new LedgerError('ALREADY_EXISTS', `carcass ${finding.carcassId} is recorded already`);
      await writeJson(ctx, carcassKey, {
        carcassId: finding.carcassId,
        earTag: finding.earTag,
        consignmentId: record.consignmentId,
      } satisfies CarcassEntry);
    }
    const bytes = await writeJson(ctx, key, record);
    emit(ctx, EVENTS.SlaughterReceived, {
      consignmentId: record.consignmentId,
      farmId: record.farmId,
      slaughterhouse: record.slaughterhouse,
      nonCompliant: record.nonCompliant,
      txId: act.txId,
    });
    return bytes.toString();
  }

  // ---- Reads ----

  @Transaction(false)
  @Returns('string')
  async GetFarm(ctx: Context, farmId: string): Promise<string> {
    return JSON.stringify(await this.farm(ctx, farmId));
  }

  @Transaction(false)
  @Returns('string')
  async GetCertifier(ctx: Context, certificateSha256: string): Promise<string> {
    const record = await readJson<CertifierRecord>(
      ctx,
      this.key(ctx, CERTIFIER, certificateSha256, 'certificateSha256'),
    );
    if (!record) throw new LedgerError('NOT_FOUND', 'no such certifying officer');
    return JSON.stringify(record);
  }

  @Transaction(false)
  @Returns('string')
  async GetConsignment(ctx: Context, consignmentId: string): Promise<string> {
    return JSON.stringify(await this.consignment(ctx, consignmentId));
  }

  @Transaction(false)
  @Returns('string')
  async ListFarmConsignments(ctx: Context, farmId: string): Promise<string> {
    const out: ConsignmentRecord[] = [];
    for await (const row of ctx.stub.getStateByPartialCompositeKey(FARM_CONSIGNMENT, [
      boundedText(farmId, 'farmId', 64),
    ])) {
      const { attributes } = ctx.stub.splitCompositeKey(row.key);
      out.push(await this.consignment(ctx, attributes[1] ?? ''));
    }
    return JSON.stringify(out);
  }

  @Transaction(false)
  @Returns('string')
  async GetByEarTag(ctx: Context, earTag: string): Promise<string> {
    const entry = await readJson<EarTagEntry>(
      ctx,
      ctx.stub.createCompositeKey(EAR_TAG, [boundedText(earTag, 'earTag', 32)]),
    );
    if (!entry) throw new LedgerError('NOT_FOUND', `ear tag ${earTag} is on no certificate`);
    return JSON.stringify(await this.consignment(ctx, entry.consignmentId));
  }

  @Transaction(false)
  @Returns('string')
  async GetArrival(ctx: Context, consignmentId: string): Promise<string> {
    const record = await readJson<ArrivalRecord>(
      ctx,
      this.key(ctx, ARRIVAL, consignmentId, 'consignmentId'),
    );
    if (!record)
      throw new LedgerError('NOT_FOUND', `consignment ${consignmentId} has no arrival check`);
    return JSON.stringify(record);
  }

  @Transaction(false)
  @Returns('string')
  async GetReceipt(ctx: Context, consignmentId: string): Promise<string> {
    const record = await readJson<ReceiptRecord>(
      ctx,
      this.key(ctx, RECEIPT, consignmentId, 'consignmentId'),
    );
    if (!record) throw new LedgerError('NOT_FOUND', `consignment ${consignmentId} has no receipt`);
    return JSON.stringify(record);
  }

  @Transaction(false)
  @Returns('string')
  async GetByCarcass(ctx: Context, carcassId: string): Promise<string> {
    const entry = await readJson<CarcassEntry>(ctx, this.key(ctx, CARCASS, carcassId, 'carcassId'));
    if (!entry) throw new LedgerError('NOT_FOUND', `carcass ${carcassId} is not recorded`);
    return JSON.stringify(entry);
  }

  /** The seal, its anchored reading batches and the crossings it made (joint namespace). */
  @Transaction(false)
  @Returns('string')
  async SealTrack(ctx: Context, sealId: string): Promise<string> {
    const seal = await readJson<unknown>(ctx, this.key(ctx, SEAL, sealId, 'sealId'));
    if (!seal) throw new LedgerError('NOT_FOUND', `seal ${sealId} does not exist`);
    const anchors: unknown[] = [];
    for await (const row of ctx.stub.getStateByPartialCompositeKey(ANCHOR, [sealId]))
      anchors.push(parseState<unknown>(row.value));
    const state = await readJson<{ crossings: string[] }>(
      ctx,
      ctx.stub.createCompositeKey(SEAL_CROSSINGS, [sealId]),
    );
    const crossings: unknown[] = [];
    for (const id of state?.crossings ?? []) {
      const crossing = await readJson<unknown>(
        ctx,
        ctx.stub.createCompositeKey(RECORD_KEYS.crossing, [id]),
      );
      if (crossing) crossings.push(crossing);
    }
    return JSON.stringify({ seal, anchors, crossings });
  }

  /**
   * Trace-back in one query: an ear tag (or a carcass id) back to its farm, certificate,
   * truck, seal track, crossings, arrival check and slaughterhouse receipt.
   */
  @Transaction(false)
  @Returns('string')
  async TraceBack(ctx: Context, kind: string, id: string): Promise<string> {
    const traceKind = TRACE_KINDS.find((k) => k === kind);
    if (!traceKind)
      throw new LedgerError('INVALID_ARGUMENT', `kind must be one of ${TRACE_KINDS.join(', ')}`);
    const GD = JURISDICTION_NAMESPACES.GD;
    const HK = JURISDICTION_NAMESPACES.HK;
    let earTag = boundedText(id, 'id', 64);
    let carcassId: string | null = null;
    if (traceKind === 'carcass') {
      const entry = await this.readIn(ctx, HK, 'Livestock:GetByCarcass', [id], () =>
        this.GetByCarcass(ctx, id),
      );
      if (entry === null) throw new LedgerError('NOT_FOUND', `carcass ${id} is not recorded`);
      earTag = CarcassEntrySchema.parse(entry).earTag;
      carcassId = id;
    }
    const found = await this.readIn(ctx, GD, 'Livestock:GetByEarTag', [earTag], () =>
      this.GetByEarTag(ctx, earTag),
    );
    if (found === null)
      throw new LedgerError('NOT_FOUND', `ear tag ${earTag} is on no certificate`);
    const consignment = ConsignmentRecordSchema.parse(found);
    const farm = FarmRecordSchema.parse(
      await this.readIn(ctx, GD, 'Livestock:GetFarm', [consignment.farmId], () =>
        this.GetFarm(ctx, consignment.farmId),
      ),
    );
    const sealId = consignment.sealId;
    const sealTrack = sealId
      ? await this.readIn(ctx, JOINT_NAMESPACE, 'Livestock:SealTrack', [sealId], () =>
          this.SealTrack(ctx, sealId),
        )
      : null;
    const arrival = await this.hkArrival(ctx, consignment.consignmentId);
    const receiptFound = await this.readIn(
      ctx,
      HK,
      'Livestock:GetReceipt',
      [consignment.consignmentId],
      () => this.GetReceipt(ctx, consignment.consignmentId),
    );
    const receipt = receiptFound === null ? null : ReceiptRecordSchema.parse(receiptFound);
    const animal = consignment.certificate.animals.find((a) => a.earTag === earTag) ?? { earTag };
    const trace: TraceBack = {
      query: { kind: traceKind, id },
      earTag,
      carcassId,
      animal,
      farm,
      consignment,
      conveyance: consignment.certificate.conveyance,
      sealTrack: sealTrack === null ? null : SealTrackSchema.parse(sealTrack),
      arrival,
      receipt,
      stage: stageOf(consignment, arrival, receipt),
    };
    return JSON.stringify(trace);
  }
}
