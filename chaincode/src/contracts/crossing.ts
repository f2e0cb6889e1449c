import { CROSSING_CONTRACT, RECORD_KEYS } from '../domain/contract-names';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import {
  CROSSING_ENDORSERS,
  CrossingInputSchema,
  OutcomeInputSchema,
  decideCrossing,
  recordOutcome,
  requireCrossingAllowed,
  requireLaneAt,
  type AnchorRow,
  type CrossingAction,
  type CrossingActRecord,
  type CrossingRecord,
  type SealCrossingState,
} from '../domain/crossing';
import { drawOf } from '../domain/crossing-draw';
import { LedgerError } from '../domain/errors';
import { applyAct, type ActRecord } from '../domain/lifecycle';
import type { DeviceRecord, SealRecord } from '../domain/seal';
import { actorOf, callerOf, requirePeersOf, txTime } from '../stub/identity';
import { boundedText, emit, parseArgument, readJson, writeJson } from '../stub/ledger-io';
import { loadDeclaration, saveDeclaration } from './declaration-store';
import { EVENTS } from '../domain/events';
import { ANCHOR, DEVICE, SEAL } from './seal';

export { CROSSING_CONTRACT };
const CROSSING = RECORD_KEYS.crossing;
/** Per seal: the last tap a crossing used and the crossings made. */
const SEAL_CROSSINGS = 'sealcrossings';

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
      rows.push(JSON.parse(Buffer.from(row.value).toString()) as AnchorRow);
    }
    return rows;
  }

  /** Decides GO or INSPECT for a seal at a control point and records the crossing. */
  @Transaction()
  @Returns('string')
  async Decide(ctx: Context, crossingJson: string): Promise<string> {
    const act = this.act(ctx, 'DECIDE');
    const input = parseArgument(CrossingInputSchema, crossingJson, 'crossing');
    requireLaneAt(act.actor, callerOf(ctx).attribute('controlPoint'), input.controlPoint);
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
    for (const id of seal.declarationIds) declarations.push(await loadDeclaration(ctx, id));
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
   * The outcome of the joint inspection an INSPECT opened: CLEARED, or HOLD with a reason,
   * which holds every open declaration of the seal as the life cycle allows.
   */
  @Transaction()
  @Returns('string')
  async RecordOutcome(ctx: Context, crossingId: string, outcomeJson: string): Promise<string> {
    const act = this.act(ctx, 'RECORD_OUTCOME');
    const input = parseArgument(OutcomeInputSchema, outcomeJson, 'outcome');
    const record = await this.crossing(ctx, crossingId);
    const held: string[] = [];
    if (input.outcome === 'HOLD' && record.inspection?.status === 'OPEN') {
      const seal = await readJson<SealRecord>(
        ctx,
        ctx.stub.createCompositeKey(SEAL, [record.sealId]),
      );
      for (const id of seal?.declarationIds ?? []) {
        const declaration = await loadDeclaration(ctx, id);
        if (declaration.hold || declaration.state === 'REJECTED' || declaration.state === 'CLOSED')
          continue;
        const hold: ActRecord = {
          action: 'HOLD',
          actor: act.actor,
          reason: `crossing ${crossingId} inspection: ${input.reason}`,
          at: act.at,
          txId: act.txId,
        };
        await saveDeclaration(ctx, applyAct(declaration, { action: 'HOLD' }, hold), {
          event: false,
        });
        held.push(id);
      }
    }
    const next = recordOutcome(record, input, act, held);
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
      heldDeclarations: held,
      actor: act.actor,
      at: act.at,
      txId: act.txId,
    });
    return bytes.toString();
  }

  @Transaction(false)
  @Returns('string')
  async GetCrossing(ctx: Context, crossingId: string): Promise<string> {
    return JSON.stringify(await this.crossing(ctx, crossingId));
  }
}
