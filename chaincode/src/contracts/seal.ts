import { SEAL_CONTRACT } from '../domain/contract-names';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { createPublicKey } from 'node:crypto';
import { LedgerError } from '../domain/errors';
import {
  ALARM_KINDS,
  AnchorInputSchema,
  CheckpointInputSchema,
  DeviceInputSchema,
  SealInputSchema,
  accredit,
  anchor,
  checkpoint,
  requireApplied,
  requireSealAllowed,
  type AlarmKind,
  type DeviceRecord,
  type SealAction,
  type SealActRecord,
  type SealRecord,
} from '../domain/seal';
import { requireCheckpointAt, requireControlPoint, requireLaneAt } from '../domain/crossing';
import { actorOf, callerOf, txTime } from '../stub/identity';
import { boundedText, emit, parseArgument, readJson, writeJson } from '../stub/ledger-io';
import { findDeclaration, holdDeclarations } from './declaration-store';
import { EVENTS } from '../domain/events';
import { requireHome } from '../stub/namespace';

export { SEAL_CONTRACT };
export const DEVICE = 'device';
export const SEAL = 'seal';
export const ANCHOR = 'anchor';
/** Seal in use per device: a device seals one conveyance at a time. */
const DEVICE_SEAL = 'deviceseal';
/** Device per NFC tag UID: a tapped tag leads to its device and so to its seal. */
const DEVICE_TAG = 'devicetag';
/** Last verified read counter per NFC tag UID, across the seals of its device. */
const TAG_COUNTER = 'tagcounter';
/**
 * Per device: the last reading counter anchored under its last removed seal (0 when new),
 * where its next seal's readings start. Absent for devices registered before it was kept.
 */
const DEVICE_READINGS = 'devicereadings';

interface TagCounter {
  tagUid: string;
  lastCounter: number;
}
interface DeviceReadings {
  deviceId: string;
  lastAnchoredCounter: number;
}

/**
 * E-locks across the boundary. Alarms are single transactions that put every declaration
 * the seal covers on HOLD at once; readings arrive as anchored batches (one Merkle root
 * per batch); checkpoint taps must carry a rising tag counter.
 */
@Info({ title: 'Seal', description: 'Cross-border electronic seals' })
export class SealContract extends Contract {
  constructor() {
    super(SEAL_CONTRACT);
  }

  /** Its writes are joint: proposed to the joint namespace only (reads anywhere). */
  override async beforeTransaction(ctx: Context): Promise<void> {
    requireHome(ctx);
  }

  private act(ctx: Context, action: SealAction, reason: string): SealActRecord {
    const actor = actorOf(ctx);
    requireSealAllowed(action, actor);
    return {
      action,
      actor,
      reason: boundedText(reason, 'reason', 512),
      at: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
  }

  private async device(ctx: Context, id: string): Promise<DeviceRecord> {
    const record = await readJson<DeviceRecord>(
      ctx,
      ctx.stub.createCompositeKey(DEVICE, [boundedText(id, 'deviceId', 32)]),
    );
    if (!record) throw new LedgerError('NOT_FOUND', `device ${id} is not registered`);
    return record;
  }

  private async seal(ctx: Context, id: string): Promise<SealRecord> {
    const record = await readJson<SealRecord>(
      ctx,
      ctx.stub.createCompositeKey(SEAL, [boundedText(id, 'sealId', 64)]),
    );
    if (!record) throw new LedgerError('NOT_FOUND', `seal ${id} does not exist`);
    return record;
  }

  private tagCounter(ctx: Context, tagUid: string): Promise<TagCounter | undefined> {
    return readJson<TagCounter>(ctx, ctx.stub.createCompositeKey(TAG_COUNTER, [tagUid]));
  }

  private async saveSeal(
    ctx: Context,
    seal: SealRecord,
    event: string,
    detail: object = {},
  ): Promise<string> {
    const bytes = await writeJson(ctx, ctx.stub.createCompositeKey(SEAL, [seal.sealId]), seal);
    emit(ctx, event, {
      sealId: seal.sealId,
      deviceId: seal.deviceId,
      state: seal.state,
      txId: ctx.stub.getTxID(),
      ...detail,
    });
    return bytes.toString();
  }

  @Transaction()
  @Returns('string')
  async RegisterDevice(ctx: Context, deviceJson: string): Promise<string> {
    const act = this.act(ctx, 'REGISTER_DEVICE', '');
    const input = parseArgument(DeviceInputSchema, deviceJson, 'device');
    let curve: string | undefined;
    try {
      curve = createPublicKey(input.publicKeyPem).asymmetricKeyDetails?.namedCurve;
    } catch {
      curve = undefined;
    }
    if (curve !== 'prime256v1')
      throw new LedgerError('INVALID_ARGUMENT', 'publicKeyPem must be an ECDSA P-256 public key');
    const key = ctx.stub.createCompositeKey(DEVICE, [input.deviceId]);
    if (await readJson(ctx, key))
      throw new LedgerError('ALREADY_EXISTS', `device ${input.deviceId} is already registered`);
    const tagKey = ctx.stub.createCompositeKey(DEVICE_TAG, [input.tagUid]);
    if (await readJson(ctx, tagKey))
      throw new LedgerError('ALREADY_EXISTS', `tag ${input.tagUid} belongs to another device`);
    await writeJson(ctx, tagKey, { deviceId: input.deviceId });
    await writeJson(ctx, ctx.stub.createCompositeKey(DEVICE_READINGS, [input.deviceId]), {
      deviceId: input.deviceId,
      lastAnchoredCounter: 0,
    } satisfies DeviceReadings);
    const record: DeviceRecord = {
      ...input,
      operator: act.actor,
      accreditations: {},
      status: 'PENDING',
    };
    const bytes = await writeJson(ctx, key, record);
    emit(ctx, EVENTS.DeviceRegistered, { deviceId: input.deviceId, txId: act.txId });
    return bytes.toString();
  }

  @Transaction()
  @Returns('string')
  async AccreditDevice(ctx: Context, deviceId: string): Promise<string> {
    const act = this.act(ctx, 'ACCREDIT_DEVICE', 'accredited');
    const record = accredit(await this.device(ctx, deviceId), act);
    const bytes = await writeJson(
      ctx,
      ctx.stub.createCompositeKey(DEVICE, [record.deviceId]),
      record,
    );
    emit(ctx, EVENTS.DeviceAccredited, {
      deviceId,
      status: record.status,
      by: act.actor.mspId,
      txId: act.txId,
    });
    return bytes.toString();
  }

  @Transaction()
  @Returns('string')
  async ApplySeal(ctx: Context, sealJson: string): Promise<string> {
    const act = this.act(ctx, 'APPLY_SEAL', 'applied at departure');
    const input = parseArgument(SealInputSchema, sealJson, 'seal');
    const device = await this.device(ctx, input.deviceId);
    if (device.status !== 'ACCREDITED') {
      throw new LedgerError(
        'INVALID_STATE',
        `device ${device.deviceId} is not accredited by both customs services`,
      );
    }
    if (await readJson(ctx, ctx.stub.createCompositeKey(SEAL, [input.sealId]))) {
      throw new LedgerError('ALREADY_EXISTS', `seal ${input.sealId} already exists`);
    }
    const inUseKey = ctx.stub.createCompositeKey(DEVICE_SEAL, [input.deviceId]);
    const inUse = await readJson<{ sealId: string }>(ctx, inUseKey);
    if (inUse)
      throw new LedgerError(
        'INVALID_STATE',
        `device ${input.deviceId} already seals ${inUse.sealId}`,
      );
    for (const id of input.declarationIds) await findDeclaration(ctx, id);
    await writeJson(ctx, inUseKey, { sealId: input.sealId });
    const readings = await readJson<DeviceReadings>(
      ctx,
      ctx.stub.createCompositeKey(DEVICE_READINGS, [device.deviceId]),
    );
    const seal: SealRecord = {
      ...input,
      tagUid: device.tagUid,
      state: 'APPLIED',
      applied: act,
      removed: null,
      alarms: [],
      anchoredToCounter: 0,
      batches: 0,
      ...(readings ? { readingsFromCounter: readings.lastAnchoredCounter + 1 } : {}),
      lastTagCounter: (await this.tagCounter(ctx, device.tagUid))?.lastCounter ?? 0,
      checkpoints: [],
    };
    return this.saveSeal(ctx, seal, EVENTS.SealApplied, {
      declarationIds: input.declarationIds,
      conveyance: input.conveyance,
      routeId: input.routeId,
      at: act.at,
    });
  }

  /**
   * An alarm holds every open declaration the seal covers, in this one transaction (held
   * already or not: the alarm is a cause of its hold until cleared or unheld).
   */
  @Transaction()
  @Returns('string')
  async RecordAlarm(ctx: Context, sealId: string, kind: string, detail: string): Promise<string> {
    if (!(ALARM_KINDS as readonly string[]).includes(kind)) {
      throw new LedgerError(
        'INVALID_ARGUMENT',
        `alarm kind must be one of ${ALARM_KINDS.join(', ')}`,
      );
    }
    const act = this.act(
      ctx,
      'RECORD_ALARM',
      `seal ${sealId} alarm ${kind}: ${boundedText(detail, 'detail', 400)}`,
    );
    const seal = await this.seal(ctx, sealId);
    requireApplied(seal);
    const held = await holdDeclarations(ctx, seal.declarationIds, {
      ...act,
      action: 'HOLD',
      path: 'SEAL_ALARM',
      sealId: seal.sealId,
    });
    const alarm = { ...act, kind: kind as AlarmKind, heldDeclarations: held };
    return this.saveSeal(
      ctx,
      { ...seal, alarms: [...seal.alarms, alarm] },
      EVENTS.SealAlarmRaised,
      // One event per transaction: this one also carries the holds it made, for indexes.
      { kind, heldDeclarations: held, actor: act.actor, at: act.at },
    );
  }

  @Transaction()
  @Returns('string')
  async AnchorReadings(ctx: Context, sealId: string, batchJson: string): Promise<string> {
    const act = this.act(ctx, 'ANCHOR_READINGS', 'readings anchored');
    const input = parseArgument(AnchorInputSchema, batchJson, 'batch');
    const seal = anchor(await this.seal(ctx, sealId), input);
    const batchNo = String(seal.batches).padStart(8, '0');
    await writeJson(ctx, ctx.stub.createCompositeKey(ANCHOR, [seal.sealId, batchNo]), {
      ...input,
      sealId: seal.sealId,
      batchNo: seal.batches,
      anchoredAt: act.at,
      txId: act.txId,
    });
    return this.saveSeal(ctx, seal, EVENTS.ReadingsAnchored, {
      batchNo: seal.batches,
      merkleRoot: input.merkleRoot,
      count: input.count,
      toCounter: input.toCounter,
    });
  }

  @Transaction()
  @Returns('string')
  async RecordCheckpoint(ctx: Context, sealId: string, checkJson: string): Promise<string> {
    const act = this.act(ctx, 'RECORD_CHECKPOINT', 'tag verified at control point');
    const input = parseArgument(CheckpointInputSchema, checkJson, 'check');
    requireControlPoint(input.controlPoint);
    requireLaneAt(act.actor, callerOf(ctx).attribute('controlPoint'), input.controlPoint);
    requireCheckpointAt(act.actor, input.controlPoint);
    const tag = await this.tagCounter(ctx, input.tagUid);
    const seal = checkpoint(await this.seal(ctx, sealId), input, act, tag?.lastCounter ?? 0);
    await writeJson(ctx, ctx.stub.createCompositeKey(TAG_COUNTER, [input.tagUid]), {
      tagUid: input.tagUid,
      lastCounter: input.counter,
    } satisfies TagCounter);
    return this.saveSeal(ctx, seal, EVENTS.CheckpointVerified, {
      controlPoint: input.controlPoint,
      counter: input.counter,
    });
  }

  @Transaction()
  @Returns('string')
  async RemoveSeal(ctx: Context, sealId: string, reason: string): Promise<string> {
    const act = this.act(ctx, 'REMOVE_SEAL', reason);
    const seal = await this.seal(ctx, sealId);
    requireApplied(seal);
    await ctx.stub.deleteState(ctx.stub.createCompositeKey(DEVICE_SEAL, [seal.deviceId]));
    // Where the device's next seal's readings start (never before where this one's did). A
    // seal from before starts were kept, with nothing anchored, tells nothing: left unset.
    const last = Math.max(seal.anchoredToCounter, (seal.readingsFromCounter ?? 1) - 1);
    if (seal.readingsFromCounter !== undefined || last > 0) {
      await writeJson(ctx, ctx.stub.createCompositeKey(DEVICE_READINGS, [seal.deviceId]), {
        deviceId: seal.deviceId,
        lastAnchoredCounter: last,
      } satisfies DeviceReadings);
    }
    return this.saveSeal(ctx, { ...seal, state: 'REMOVED', removed: act }, EVENTS.SealRemoved);
  }

  @Transaction(false)
  @Returns('string')
  async GetSeal(ctx: Context, sealId: string): Promise<string> {
    return JSON.stringify(await this.seal(ctx, sealId));
  }

  @Transaction(false)
  @Returns('string')
  async GetDevice(ctx: Context, deviceId: string): Promise<string> {
    return JSON.stringify(await this.device(ctx, deviceId));
  }

  /** The seal a tapped tag currently seals (through its device), or NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async GetSealByTag(ctx: Context, tagUid: string): Promise<string> {
    const tag = await readJson<{ deviceId: string }>(
      ctx,
      ctx.stub.createCompositeKey(DEVICE_TAG, [boundedText(tagUid, 'tagUid', 14)]),
    );
    if (!tag) throw new LedgerError('NOT_FOUND', `tag ${tagUid} is not registered`);
    const inUse = await readJson<{ sealId: string }>(
      ctx,
      ctx.stub.createCompositeKey(DEVICE_SEAL, [tag.deviceId]),
    );
    if (!inUse) throw new LedgerError('NOT_FOUND', `the device of tag ${tagUid} seals nothing now`);
    return JSON.stringify({ tagUid, deviceId: tag.deviceId, sealId: inUse.sealId });
  }

  /** The seal a device currently seals, or NOT_FOUND: where its readings belong. */
  @Transaction(false)
  @Returns('string')
  async GetActiveSeal(ctx: Context, deviceId: string): Promise<string> {
    const device = await this.device(ctx, deviceId);
    const inUse = await readJson<{ sealId: string }>(
      ctx,
      ctx.stub.createCompositeKey(DEVICE_SEAL, [device.deviceId]),
    );
    if (!inUse) throw new LedgerError('NOT_FOUND', `device ${deviceId} seals nothing now`);
    return JSON.stringify({
      deviceId: device.deviceId,
      publicKeyPem: device.publicKeyPem,
      sealId: inUse.sealId,
    });
  }

  @Transaction(false)
  @Returns('string')
  async GetAnchors(ctx: Context, sealId: string): Promise<string> {
    const out: unknown[] = [];
    for await (const row of ctx.stub.getStateByPartialCompositeKey(ANCHOR, [
      boundedText(sealId, 'sealId', 64),
    ])) {
      out.push(JSON.parse(Buffer.from(row.value).toString()));
    }
    return JSON.stringify(out);
  }
}
