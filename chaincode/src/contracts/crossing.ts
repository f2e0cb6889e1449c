import {
  CROSSING_CONTRACT,
  RECORD_KEYS,
  CROSSING_ENDORSERS,
  CrossingInputSchema,
  OutcomeInputSchema,
  clearAlarms,
  decideCrossing,
  isClearedAlarm,
  recordOutcome,
  requireControlPoint,
  requireDeciderAt,
  requireCrossingAllowed,
  requireLaneAt,
  requireOpenInspection,
  type AnchorRow,
  type CrossingAction,
  type CrossingActRecord,
  type CrossingRecord,
  type OutcomeEffects,
  type SealCrossingState,
  LedgerError,
  holdCausesOf,
  unholdSettled,
  type DeviceRecord,
  type SealRecord,
  EVENTS,
} from '@clearance/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { drawOf } from '@clearance/domain/node';
import { actorOf, callerOf, requirePeersOf, txTime } from '../stub/identity';
import {
  boundedText,
  parseState,
  emit,
  parseArgument,
  readJson,
  writeJson,
} from '../stub/ledger-io';
import { findDeclaration, holdDeclarations, saveFromJoint } from './declaration-store';
import { ANCHOR, DEVICE, SEAL } from './seal';
import { requireHome } from '../stub/namespace';

export { CROSSING_CONTRACT };
const CROSSING = RECORD_KEYS.crossing;
/** Per seal: the last tap a crossing used and the crossings made. */
export const SEAL_CROSSINGS = 'sealcrossings';

/**
 * The boundary decision (domain/crossing.ts decides; this contract gathers the ledger state
 * and writes). A crossing record is written once by Decide and once more by RecordOutcome;
 * its key-level policy needs a peer of each customs service.
 */
@Info({ title: 'Crossing', description: 'GO or INSPECT at a boundary control point' })
export class CrossingContract extends Contract {
  constructor() {
    super(CROSSING_CONTRACT);
  }

  /** Its writes are joint: proposed to the joint namespace only (reads anywhere). */
  override async beforeTransaction(ctx: Context): Promise<void> {
    requireHome(ctx);
  }

  private act(ctx: Context, action: CrossingAction): CrossingActRecord {
    const actor = actorOf(ctx);
    requireCrossingAllowed(action, actor);
    return { action, actor, at: txTime(ctx), txId: ctx.stub.getTxID() };
  }

  private async crossing(ctx: Context, id: string): Promise<CrossingRecord> {
    const record = await readJson<CrossingRecord>(
      ctx,
      ctx.stub.createCompositeKey(CROSSING, [boundedText(id, 'crossingId', 64)]),
    );
    if (!record) throw new LedgerError('NOT_FOUND', `crossing ${id} does not exist`);
    return record;
  }

  private async anchors(ctx: Context, sealId: string): Promise<AnchorRow[]> {
    const rows: AnchorRow[] = [];
    for await (const row of ctx.stub.getStateByPartialCompositeKey(ANCHOR, [sealId])) {
      rows.push(parseState<AnchorRow>(row.value));
    }
    return rows;
  }

  /** Decides GO or INSPECT for a seal at a control point and records the crossing. */
  @Transaction()
  @Returns('string')
  async Decide(ctx: Context, crossingJson: string): Promise<string> {
    const act = this.act(ctx, 'DECIDE');
    const input = parseArgument(CrossingInputSchema, crossingJson, 'crossing');
    requireControlPoint(input.controlPoint);
    requireLaneAt(act.actor, callerOf(ctx).attribute('controlPoint'), input.controlPoint);
    requireDeciderAt(act.actor, input.controlPoint);
    const key = ctx.stub.createCompositeKey(CROSSING, [input.crossingId]);
    if (await readJson(ctx, key))
      throw new LedgerError('ALREADY_EXISTS', `crossing ${input.crossingId} already exists`);
    const seal = await readJson<SealRecord>(ctx, ctx.stub.createCompositeKey(SEAL, [input.sealId]));
    if (!seal) throw new LedgerError('NOT_FOUND', `seal ${input.sealId} does not exist`);
    const device = await readJson<DeviceRecord>(
      ctx,
      ctx.stub.createCompositeKey(DEVICE, [seal.deviceId]),
    );
    if (!device) throw new LedgerError('NOT_FOUND', `device ${seal.deviceId} is not registered`);
    const stateKey = ctx.stub.createCompositeKey(SEAL_CROSSINGS, [seal.sealId]);
    const state = (await readJson<SealCrossingState>(ctx, stateKey)) ?? {
      sealId: seal.sealId,
      lastUsedTapCounter: 0,
      crossings: [],
    };
    const declarations = [];
    for (const id of seal.declarationIds) declarations.push(await findDeclaration(ctx, id));
    const record = decideCrossing({
      input,
      seal,
      device,
      anchors: await this.anchors(ctx, seal.sealId),
      declarations,
      state,
      act,
      draw: drawOf,
    });
    await writeJson(ctx, stateKey, {
      ...state,
      lastUsedTapCounter: record.tap?.counter ?? state.lastUsedTapCounter,
      crossings: [...state.crossings, record.crossingId],
    });
    const bytes = await writeJson(ctx, key, record);
    await requirePeersOf(ctx, key, CROSSING_ENDORSERS);
    emit(ctx, EVENTS.CrossingDecided, {
      crossingId: record.crossingId,
      sealId: record.sealId,
      conveyance: seal.conveyance,
      controlPoint: record.controlPoint,
      direction: record.direction,
      decision: record.decision,
      reasons: record.reasons,
      declarationIds: seal.declarationIds,
      at: act.at,
      txId: act.txId,
    });
    return bytes.toString();
  }

  /**
   * The outcome of the joint inspection an INSPECT opened (domain/crossing.ts, "Inspection
   * outcomes"): HOLD, with a reason, holds the seal's open declarations the officer may
   * hold; CLEARED clears the alarms the decision saw and unholds the declarations held by
   * cleared alarms alone, where the officer may unhold.
   */
  @Transaction()
  @Returns('string')
  async RecordOutcome(ctx: Context, crossingId: string, outcomeJson: string): Promise<string> {
    const act = this.act(ctx, 'RECORD_OUTCOME');
    const input = parseArgument(OutcomeInputSchema, outcomeJson, 'outcome');
    const record = await this.crossing(ctx, crossingId);
    requireOpenInspection(record);
    const seal = await readJson<SealRecord>(
      ctx,
      ctx.stub.createCompositeKey(SEAL, [record.sealId]),
    );
    if (!seal) throw new LedgerError('NOT_FOUND', `seal ${record.sealId} does not exist`);
    const effects: OutcomeEffects =
      input.outcome === 'HOLD'
        ? {
            heldDeclarations: await holdDeclarations(ctx, seal.declarationIds, {
              ...act,
              action: 'HOLD',
              reason: `crossing ${crossingId} inspection: ${input.reason}`,
              path: 'CROSSING_OUTCOME',
              crossingId,
            }),
            unheldDeclarations: [],
            clearedAlarms: [],
          }
        : await this.clear(ctx, record, seal, act, input.reason);
    const next = recordOutcome(record, input, act, effects);
    const bytes = await writeJson(
      ctx,
      ctx.stub.createCompositeKey(CROSSING, [next.crossingId]),
      next,
    );
    emit(ctx, EVENTS.CrossingInspectionRecorded, {
      crossingId: next.crossingId,
      sealId: next.sealId,
      controlPoint: next.controlPoint,
      outcome: input.outcome,
      reason: input.reason,
      // Every declaration the crossing checked: their traders follow the outcome too.
      declarationIds: next.declarations.map((d) => d.declarationId),
      ...effects,
      actor: act.actor,
      at: act.at,
      txId: act.txId,
    });
    return bytes.toString();
  }

  /** CLEARED: the alarms settled on the seal, then the holds they alone made lifted. */
  private async clear(
    ctx: Context,
    record: CrossingRecord,
    seal: SealRecord,
    act: CrossingActRecord,
    reason: string,
  ): Promise<OutcomeEffects> {
    const { seal: settled, cleared } = clearAlarms(seal, record, act);
    if (cleared.length > 0)
      await writeJson(ctx, ctx.stub.createCompositeKey(SEAL, [seal.sealId]), settled);
    const otherSeals = new Map<string, SealRecord>();
    const unheld: string[] = [];
    for (const id of new Set(seal.declarationIds)) {
      const declaration = await findDeclaration(ctx, id);
      // Causes naming other seals: read those seals once each.
      for (const cause of holdCausesOf(declaration))
        if (cause.sealId !== undefined && cause.sealId !== seal.sealId)
          await this.cacheSeal(ctx, cause.sealId, otherSeals);
      const next = unholdSettled(
        declaration,
        'CROSSING_OUTCOME',
        {
          action: 'UNHOLD',
          actor: act.actor,
          reason: `crossing ${record.crossingId} inspection cleared${reason ? `: ${reason}` : ''}`,
          at: act.at,
          txId: act.txId,
        },
        (cause) => isClearedAlarm(cause, settled, otherSeals),
      );
      if (!next) continue;
      await saveFromJoint(ctx, next);
      unheld.push(id);
    }
    return { heldDeclarations: [], unheldDeclarations: unheld, clearedAlarms: cleared };
  }

  private async cacheSeal(ctx: Context, sealId: string, seals: Map<string, SealRecord>) {
    if (seals.has(sealId)) return;
    const seal = await readJson<SealRecord>(ctx, ctx.stub.createCompositeKey(SEAL, [sealId]));
    if (seal) seals.set(sealId, seal);
  }

  @Transaction(false)
  @Returns('string')
  async GetCrossing(ctx: Context, crossingId: string): Promise<string> {
    return JSON.stringify(await this.crossing(ctx, crossingId));
  }
}
