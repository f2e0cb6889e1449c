/**
 * The boundary decision: at a control point a sealed truck gets GO or INSPECT, decided from
 * ledger state alone (seal, device, anchored reading batches, checkpoint taps, the
 * declarations the seal covers) and the transaction (its id and timestamp), so every
 * endorsing peer of either customs service computes the same answer. Pure: the Crossing
 * contract gathers the state and writes the record.
 *
 * The random selection. The draw is sha256 over the crossing's transaction id, the seal,
 * the control point, the NFC tag counter of the tap being used and the transaction id that
 * applied the seal. The tag counter comes from the tag (each new value is a new tap recorded
 * on the ledger, so trying again is visible) and the seal's apply transaction was fixed long
 * before the truck reached the lane. The transaction id is derived from a nonce the
 * submitter picks: a submitter could compute draws for many nonces offline and submit only
 * a favourable one. What bounds that: one crossing per tap (a second decision on the same
 * tap is REPLAYED), the draw and all its inputs are recorded so both sides recompute it,
 * and only customs identities (officers, lane devices) may submit, never the carrier
 * whose truck is selected. A beacon neither side controls would remove the remaining
 * trust in the submitter; Fabric 2.1 has none. How to recompute a draw: crossing-draw.ts.
 *
 * Inspection outcomes. An INSPECT opens a joint inspection; an officer of either customs
 * service or of GD inspection records its outcome once (both customs services endorse it,
 * as they do the decision):
 * - CLEARED settles the alarms the decision saw: each gets `clearedBy` (the crossing, the
 *   officer, the transaction, the readings anchored by then). An alarm raised after the
 *   decision, or after the clearing, is not settled by it: it needs an inspection of its own.
 *   Then every declaration the seal covers whose every hold cause is a cleared alarm
 *   (lifecycle.ts, holdCausesOf) is unheld, where the officer may UNHOLD a declaration of
 *   its jurisdiction (the allow table; a GD import's hold stays for GD to lift, by its own
 *   UNHOLD or its own CLEARED later). A hold with any other cause (an officer's HOLD, an
 *   inspection's HOLD, an alarm not cleared, on this seal or another covering the same
 *   declaration) stays. Later decisions give a cleared alarm as ALARM_CLEARED_BY_INSPECTION,
 *   a reason that is noted and does not call for inspection.
 * - HOLD settles nothing and holds every open declaration of the seal the officer may hold
 *   (held already or not: each HOLD is a cause of its own), so the next decision is INSPECT.
 */
import { z } from 'zod';
import policy from '../shared/access-policy.json';
import { ID_PATTERN } from '../declarations/declaration';
import { LedgerError } from '../shared/errors';
import type { DeclarationRecord, HoldCause } from '../declarations/lifecycle';
import type { Actor } from '../declarations/vocabulary';
import { SEAL_REASONS } from '../shared/refusals';
import type { AlarmKind, DeviceRecord, SealAlarm, SealRecord } from '../seals/seal';
import { StorableText } from '../shared/text';

export const CROSSING_ACTIONS = ['DECIDE', 'RECORD_OUTCOME'] as const;
export type CrossingAction = (typeof CROSSING_ACTIONS)[number];

export const CROSSING_DIRECTIONS = ['NORTHBOUND', 'SOUTHBOUND'] as const;
export type CrossingDirection = (typeof CROSSING_DIRECTIONS)[number];

/** Every reason a decision can give; any one but those NOTED_REASONS makes it INSPECT. */
export const CROSSING_REASONS = [
  'SEAL_REMOVED',
  'DEVICE_NOT_ACCREDITED',
  'ALARM_TAMPER',
  'ALARM_OPENED',
  'ALARM_ROUTE_DEVIATION',
  'ALARM_OVERDUE',
  'ALARM_CLEARED_BY_INSPECTION',
  'TAP_MISSING',
  'TAP_STALE',
  'READINGS_MISSING',
  'READINGS_GAP',
  'READINGS_SILENT',
  'DECLARATION_HELD',
  'DECLARATION_REJECTED',
  'DECLARATION_NOT_RELEASED',
  'DECLARATION_WRONG_DIRECTION',
  'RANDOM_SELECTION',
] as const;
export type CrossingReason = (typeof CROSSING_REASONS)[number];

/** Reasons recorded for what they tell (an alarm a joint inspection cleared), not to inspect. */
export const NOTED_REASONS: readonly CrossingReason[] = ['ALARM_CLEARED_BY_INSPECTION'];

export function callsForInspection(reason: CrossingReason): boolean {
  return !NOTED_REASONS.includes(reason);
}

export const CROSSING_DECISIONS = ['GO', 'INSPECT'] as const;
export type CrossingDecision = (typeof CROSSING_DECISIONS)[number];

export const INSPECTION_OUTCOMES = ['CLEARED', 'HOLD'] as const;
export type InspectionOutcome = (typeof INSPECTION_OUTCOMES)[number];

const ALARM_REASON: Record<AlarmKind, CrossingReason> = {
  TAMPER: 'ALARM_TAMPER',
  OPENED: 'ALARM_OPENED',
  ROUTE_DEVIATION: 'ALARM_ROUTE_DEVIATION',
  OVERDUE: 'ALARM_OVERDUE',
};

/** The sides control points stand on: the two jurisdictions and Macao (no declarations here). */
export const CONTROL_POINT_SIDES = ['GD', 'HK', 'MO'] as const;
export type ControlPointSide = (typeof CONTROL_POINT_SIDES)[number];

interface ControlPoint {
  name: string;
  /** Whose control point it is: the officers of its side's agencies record taps there. */
  jurisdiction: ControlPointSide;
  selectionRate: number;
}

type Grant = readonly [string, string];
// The crossing's part of the allow table and its control points, read once, checked.
const ACCESS: Record<CrossingAction, readonly Grant[]> = z
  .looseRecord(z.enum(CROSSING_ACTIONS), z.array(z.tuple([z.string(), z.string()])))
  .parse(policy.crossing);
export const CONTROL_POINTS: Readonly<Record<string, ControlPoint>> = z
  .record(
    z.string(),
    z.object({
      name: z.string(),
      jurisdiction: z.enum(CONTROL_POINT_SIDES),
      selectionRate: z.number().min(0).max(1),
    }),
  )
  .parse(policy.crossing.controlPoints);
/** The organisations whose officers and lane devices decide at a control point of each side. */
const CONTROL_POINT_DECIDERS: Readonly<Record<ControlPointSide, readonly string[]>> = z
  .looseRecord(z.enum(CONTROL_POINT_SIDES), z.array(z.string()))
  .parse(policy.crossing.deciders);
/** The organisations whose officers record taps at a control point of each side. */
const CONTROL_POINT_AGENCIES: Readonly<Record<ControlPointSide, readonly string[]>> = z
  .looseRecord(z.enum(CONTROL_POINT_SIDES), z.array(z.string()))
  .parse(policy.controlPointAgencies);
export const ROUTES: Readonly<Record<string, readonly string[]>> = policy.crossing.routes;
/** Organisations whose peers must endorse every write of a crossing record. */
export const CROSSING_ENDORSERS: readonly string[] = policy.crossing.endorsers;
export const CROSSING_LIMITS = {
  tapFreshMinutes: policy.crossing.tapFreshMinutes,
  readingSilenceMinutes: policy.crossing.readingSilenceMinutes,
} as const;

export function requireCrossingAllowed(action: CrossingAction, actor: Actor): void {
  if (!ACCESS[action].some(([msp, role]) => msp === actor.mspId && role === actor.role)) {
    throw new LedgerError(
      'FORBIDDEN',
      `${actor.mspId} with role ${actor.role ?? '(none)'} may not ${action} a crossing`,
    );
  }
}

/**
 * A lane device decides, and records checkpoint taps, only at the control point its
 * certificate names (its `controlPoint` attribute): the terminal at one lane cannot speak
 * for another.
 */
export function requireLaneAt(
  actor: Actor,
  laneControlPoint: string | undefined,
  controlPoint: string,
): void {
  if (actor.role !== 'lane-device' || laneControlPoint === controlPoint) return;
  throw new LedgerError(
    'FORBIDDEN',
    `the lane device of ${laneControlPoint ?? '(no control point)'} may not act at ${controlPoint}`,
  );
}

/** The control point the allow table names, or INVALID_ARGUMENT (UNKNOWN_CONTROL_POINT). */
export function requireControlPoint(controlPoint: string): ControlPoint {
  const known = Object.hasOwn(CONTROL_POINTS, controlPoint)
    ? CONTROL_POINTS[controlPoint]
    : undefined;
  if (!known) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `${controlPoint} is not a control point`,
      SEAL_REASONS.UNKNOWN_CONTROL_POINT,
    );
  }
  return known;
}

/**
 * A crossing is decided at a control point by its side's deciders (the allow table): the
 * GD-HK boundary by either customs service, Macao's control points by Macao customs alone
 * (and Macao customs at no other).
 */
export function requireDeciderAt(actor: Actor, controlPoint: string): void {
  const { jurisdiction } = requireControlPoint(controlPoint);
  if (!CONTROL_POINT_DECIDERS[jurisdiction].includes(actor.mspId)) {
    throw new LedgerError(
      'FORBIDDEN',
      `${actor.mspId} may not decide crossings at ${controlPoint}, a control point of ${jurisdiction}`,
      SEAL_REASONS.CONTROL_POINT_OF_OTHER_SIDE,
    );
  }
}

/**
 * Taps are recorded at a control point by the officers (and lane devices) of its own side:
 * the organisations of its side's controlPointAgencies, among those the seal table lets
 * record checkpoints. GD officers do not tap at Lok Ma Chau, nor HK officers at Huanggang,
 * nor either at Macao's Border Gate (Macao customs does).
 */
export function requireCheckpointAt(actor: Actor, controlPoint: string): void {
  const { jurisdiction } = requireControlPoint(controlPoint);
  if (!CONTROL_POINT_AGENCIES[jurisdiction].includes(actor.mspId)) {
    throw new LedgerError(
      'FORBIDDEN',
      `${actor.mspId} may not record taps at ${controlPoint}, a control point of ${jurisdiction}`,
      SEAL_REASONS.CONTROL_POINT_OF_OTHER_SIDE,
    );
  }
}

export const CrossingInputSchema = z
  .object({
    /** Chosen by the client (the gateway's operation): the same id twice is one crossing. */
    crossingId: z.string().regex(ID_PATTERN),
    sealId: z.string().regex(ID_PATTERN),
    controlPoint: z.string().regex(/^[A-Z]{3,8}$/),
    direction: z.enum(CROSSING_DIRECTIONS),
  })
  .strict();
export type CrossingInput = z.infer<typeof CrossingInputSchema>;

export const OutcomeInputSchema = z
  .object({
    outcome: z.enum(INSPECTION_OUTCOMES),
    reason: StorableText.trim().max(512),
  })
  .strict()
  .refine((o) => o.outcome === 'CLEARED' || o.reason.length > 0, {
    message: 'a hold needs a reason',
    path: ['reason'],
  });
export type OutcomeInput = z.infer<typeof OutcomeInputSchema>;

/** An anchored batch of readings as the Seal contract stores it. */
export interface AnchorRow {
  batchNo: number;
  fromCounter: number;
  toCounter: number;
  count: number;
  lastTime: string;
}

/** Per seal: the last tap counter a crossing used (one crossing per tap). */
export interface SealCrossingState {
  sealId: string;
  lastUsedTapCounter: number;
  crossings: string[];
}

export type CrossingActRecord = {
  action: CrossingAction;
  actor: Actor;
  at: string;
  txId: string;
};

export type DeclarationCheck = {
  declarationId: string;
  jurisdiction: DeclarationRecord['jurisdiction'];
  direction: DeclarationRecord['declaration']['direction'];
  state: DeclarationRecord['state'];
  onHold: boolean;
  reasons: CrossingReason[];
};

/** An alarm as a decision saw it: not cleared then (its transaction names it). */
export type AlarmSeen = { kind: AlarmKind; txId: string; at: string };

/** What an outcome did besides recording itself. */
export type OutcomeEffects = {
  /** Declarations it held (HOLD). */
  heldDeclarations: string[];
  /** Declarations it unheld, every cause of their hold being a cleared alarm (CLEARED). */
  unheldDeclarations: string[];
  /** The alarms it cleared (CLEARED). */
  clearedAlarms: { kind: AlarmKind; txId: string }[];
};

export type CrossingRecord = {
  crossingId: string;
  sealId: string;
  controlPoint: string;
  direction: CrossingDirection;
  decision: CrossingDecision;
  /** Every reason that applied, in CROSSING_REASONS order; for GO only NOTED_REASONS. */
  reasons: CrossingReason[];
  /** The tap the decision used (counter and when it was verified), if there was one. */
  tap: { counter: number; at: string; txId: string } | null;
  anchoredToCounter: number;
  /** The alarms not cleared when it was decided: those a CLEARED outcome settles. */
  alarms?: AlarmSeen[];
  declarations: DeclarationCheck[];
  /** The random selection: its inputs, so both sides can recompute it. */
  draw: { value: number; rate: number; selected: boolean; inputs: string[] };
  decided: CrossingActRecord;
  /** For INSPECT: the joint inspection task, OPEN until an officer records its outcome. */
  inspection: {
    status: 'OPEN' | InspectionOutcome;
    outcome:
      | (CrossingActRecord & { reason: string; heldDeclarations: string[] } & Partial<
            Omit<OutcomeEffects, 'heldDeclarations'>
          >)
      | null;
  } | null;
};

/** Everything the decision reads. */
export interface CrossingFacts {
  input: CrossingInput;
  seal: SealRecord;
  device: DeviceRecord;
  anchors: readonly AnchorRow[];
  declarations: readonly DeclarationRecord[];
  state: SealCrossingState;
  act: CrossingActRecord;
  /** The draw in [0, 1) over its inputs (crossing-draw.ts: sha256, kept out of the browser). */
  draw: (inputs: readonly string[]) => number;
}

const MINUTE = 60_000;

/** The coded refusals: nothing is decided (unknown control point, not on the route, replay). */
export function requireCrossable(facts: Pick<CrossingFacts, 'input' | 'seal' | 'state'>): void {
  const { input, seal, state } = facts;
  requireControlPoint(input.controlPoint);
  if (!(ROUTES[seal.routeId] ?? []).includes(input.controlPoint)) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `control point ${input.controlPoint} is not on route ${seal.routeId} of seal ${seal.sealId}`,
      SEAL_REASONS.NOT_ON_ROUTE,
    );
  }
  const last = seal.checkpoints.at(-1);
  if (last && last.counter <= state.lastUsedTapCounter) {
    // A removed seal takes no more taps: asking for one would send the officer in circles.
    const next =
      seal.state === 'APPLIED'
        ? 'tap again'
        : `the seal was removed, so no new tap can be recorded on it`;
    throw new LedgerError(
      'REPLAYED',
      `tap ${last.counter} of seal ${seal.sealId} was already used by a crossing; ${next}`,
      SEAL_REASONS.TAP_ALREADY_USED,
    );
  }
}

/**
 * Gaps: readings missing inside a batch, between batches, or before the first batch (which
 * must start at the counter the seal's readings start from, see SealRecord).
 */
function readingReasons(
  anchors: readonly AnchorRow[],
  firstCounter: number | undefined,
  now: number,
): CrossingReason[] {
  const reasons: CrossingReason[] = [];
  if (anchors.length === 0) return ['READINGS_MISSING'];
  const sorted = [...anchors].sort((a, b) => a.batchNo - b.batchNo);
  const last = sorted.at(-1);
  if (!last) return ['READINGS_MISSING'];
  const gap = sorted.some((a, i) => {
    const before = sorted[i - 1];
    return (
      a.count < a.toCounter - a.fromCounter + 1 ||
      (before === undefined
        ? firstCounter !== undefined && a.fromCounter !== firstCounter
        : a.fromCounter !== before.toCounter + 1)
    );
  });
  if (gap) reasons.push('READINGS_GAP');
  const lastTime = Date.parse(last.lastTime);
  if (now - lastTime > CROSSING_LIMITS.readingSilenceMinutes * MINUTE)
    reasons.push('READINGS_SILENT');
  return reasons;
}

/** Which side a declaration must be released on for this direction, and how. */
function declarationReasons(
  record: DeclarationRecord,
  direction: CrossingDirection,
): CrossingReason[] {
  const from = direction === 'NORTHBOUND' ? 'HK' : 'GD';
  const expected = record.jurisdiction === from ? 'EXPORT' : 'IMPORT';
  const reasons: CrossingReason[] = [];
  if (record.declaration.direction !== expected) reasons.push('DECLARATION_WRONG_DIRECTION');
  if (record.hold) reasons.push('DECLARATION_HELD');
  if (record.state === 'REJECTED') reasons.push('DECLARATION_REJECTED');
  else {
    // Exports leave released (by every joint agency of their side); imports may arrive
    // released or release-eligible.
    const passes: readonly string[] =
      expected === 'EXPORT' ? ['RELEASED', 'CLOSED'] : ['RELEASED', 'CLOSED', 'RELEASE_ELIGIBLE'];
    if (!passes.includes(record.state)) reasons.push('DECLARATION_NOT_RELEASED');
  }
  return reasons;
}

/** The first of a draw's inputs: how it is drawn (crossing-draw.ts says how to recompute it). */
export const DRAW_VERSION = 'crossing-draw-v1';

/** The draw's inputs, in the order crossing-draw.ts recomputes them. */
export function drawInputs(facts: Pick<CrossingFacts, 'input' | 'seal' | 'act'>): string[] {
  const { input, seal, act } = facts;
  const tap = seal.checkpoints.at(-1);
  return [
    DRAW_VERSION,
    act.txId,
    seal.sealId,
    input.controlPoint,
    String(tap?.counter ?? 0),
    seal.applied.txId,
  ];
}

/** The decision, with every reason that applied. Throws only the refusals of requireCrossable. */
export function decideCrossing(facts: CrossingFacts): CrossingRecord {
  requireCrossable(facts);
  const { input, seal, device, anchors, declarations, act } = facts;
  const now = Date.parse(act.at);
  const found = new Set<CrossingReason>();
  if (seal.state !== 'APPLIED') found.add('SEAL_REMOVED');
  if (device.status !== 'ACCREDITED') found.add('DEVICE_NOT_ACCREDITED');
  const alarms: AlarmSeen[] = [];
  for (const alarm of seal.alarms) {
    if (alarm.clearedBy) {
      found.add('ALARM_CLEARED_BY_INSPECTION');
      continue;
    }
    found.add(ALARM_REASON[alarm.kind]);
    alarms.push({ kind: alarm.kind, txId: alarm.txId, at: alarm.at });
  }
  const tap = seal.checkpoints.at(-1);
  if (!tap || tap.controlPoint !== input.controlPoint) found.add('TAP_MISSING');
  else if (now - Date.parse(tap.at) > CROSSING_LIMITS.tapFreshMinutes * MINUTE)
    found.add('TAP_STALE');
  for (const r of readingReasons(anchors, seal.readingsFromCounter, now)) found.add(r);
  const checks: DeclarationCheck[] = declarations.map((d) => {
    const reasons = declarationReasons(d, input.direction);
    for (const r of reasons) found.add(r);
    return {
      declarationId: d.declarationId,
      jurisdiction: d.jurisdiction,
      direction: d.declaration.direction,
      state: d.state,
      onHold: d.hold !== null,
      reasons,
    };
  });
  const inputs = drawInputs(facts);
  const value = facts.draw(inputs);
  const rate = requireControlPoint(input.controlPoint).selectionRate;
  const selected = value < rate;
  if (selected) found.add('RANDOM_SELECTION');
  const reasons = CROSSING_REASONS.filter((r) => found.has(r));
  const decision: CrossingDecision = reasons.some(callsForInspection) ? 'INSPECT' : 'GO';
  return {
    ...input,
    decision,
    reasons,
    tap:
      tap && tap.controlPoint === input.controlPoint
        ? { counter: tap.counter, at: tap.at, txId: tap.txId }
        : null,
    anchoredToCounter: seal.anchoredToCounter,
    alarms,
    declarations: checks,
    draw: { value, rate, selected, inputs },
    decided: act,
    inspection: decision === 'INSPECT' ? { status: 'OPEN', outcome: null } : null,
  };
}

/** An outcome may be recorded: the decision was INSPECT and no outcome is recorded yet. */
export function requireOpenInspection(record: CrossingRecord): void {
  if (!record.inspection)
    throw new LedgerError('INVALID_STATE', `crossing ${record.crossingId} was GO: no inspection`);
  if (record.inspection.status !== 'OPEN') {
    throw new LedgerError(
      'INVALID_STATE',
      `the inspection of crossing ${record.crossingId} is already ${record.inspection.status}`,
    );
  }
}

/** The outcome of the joint inspection an INSPECT opened, with what it did. */
export function recordOutcome(
  record: CrossingRecord,
  input: OutcomeInput,
  act: CrossingActRecord,
  effects: OutcomeEffects,
): CrossingRecord {
  requireOpenInspection(record);
  return {
    ...record,
    inspection: { status: input.outcome, outcome: { ...act, reason: input.reason, ...effects } },
  };
}

/**
 * Which alarms of the seal a CLEARED outcome of this crossing settles: those its decision
 * saw and nobody cleared since (a record from before decisions listed them: the alarms
 * raised by the decision's time).
 */
function settledBy(record: CrossingRecord, alarm: SealAlarm): boolean {
  if (alarm.clearedBy) return false;
  if (record.alarms) return record.alarms.some((seen) => seen.txId === alarm.txId);
  return Date.parse(alarm.at) <= Date.parse(record.decided.at);
}

/** The seal with the alarms this CLEARED outcome settles marked cleared, and which they were. */
export function clearAlarms(
  seal: SealRecord,
  record: CrossingRecord,
  act: CrossingActRecord,
): { seal: SealRecord; cleared: OutcomeEffects['clearedAlarms'] } {
  const cleared: OutcomeEffects['clearedAlarms'] = [];
  const alarms = seal.alarms.map((alarm) => {
    if (!settledBy(record, alarm)) return alarm;
    cleared.push({ kind: alarm.kind, txId: alarm.txId });
    const clearedBy = {
      crossingId: record.crossingId,
      actor: act.actor,
      at: act.at,
      txId: act.txId,
      throughCounter: seal.anchoredToCounter,
    };
    return { ...alarm, clearedBy };
  });
  return { seal: { ...seal, alarms }, cleared };
}

/**
 * Whether a hold cause is an alarm since cleared: one of the seal it names (a cause from
 * before causes named their seal: of `seal`, the seal being cleared), recorded in the
 * cause's transaction.
 */
export function isClearedAlarm(
  cause: HoldCause,
  seal: SealRecord,
  otherSeals: ReadonlyMap<string, SealRecord>,
): boolean {
  const of =
    cause.sealId === undefined || cause.sealId === seal.sealId
      ? seal
      : otherSeals.get(cause.sealId);
  const alarm = of?.alarms.find((a) => a.txId === cause.txId);
  return alarm?.clearedBy !== undefined;
}
