/**
 * The crossing rules on their own, without a ledger: which alarms a CLEARED outcome
 * settles (also for records decided before decisions listed their alarms), which hold
 * causes count as cleared, what a cleared alarm does to a decision, and where taps may be
 * recorded.
 */
import {
  CONTROL_POINTS,
  CROSSING_REASONS,
  ROUTES,
  NOTED_REASONS,
  callsForInspection,
  clearAlarms,
  isClearedAlarm,
  requireCheckpointAt,
  requireDeciderAt,
  type CrossingActRecord,
  type CrossingRecord,
} from './crossing';
import type { HoldCause } from '../declarations/lifecycle';
import type { Actor } from '../declarations/vocabulary';
import type { SealAlarm, SealRecord } from '../seals/seal';

const OFFICER: Actor = { mspId: 'GDCustomsMSP', id: 'gd', role: 'customs-officer' };
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 8, minute)).toISOString();
const act = (txId: string, minute: number) => ({
  actor: OFFICER,
  reason: '',
  at: at(minute),
  txId,
});
const alarm = (txId: string, minute: number, extra: Partial<SealAlarm> = {}): SealAlarm => ({
  ...act(txId, minute),
  action: 'RECORD_ALARM',
  kind: 'TAMPER',
  heldDeclarations: [],
  ...extra,
});

function seal(sealId: string, alarms: SealAlarm[]): SealRecord {
  return {
    sealId,
    deviceId: 'EL-1',
    tagUid: '04000000000001',
    conveyance: 'ZM1234',
    routeId: 'KWC-FUTIAN',
    declarationIds: ['GD-I'],
    state: 'APPLIED',
    applied: { ...act('tx-apply', 0), action: 'APPLY_SEAL' },
    removed: null,
    alarms,
    anchoredToCounter: 80,
    batches: 1,
    lastTagCounter: 0,
    checkpoints: [],
  };
}

function crossing(decidedMinute: number, alarms?: CrossingRecord['alarms']): CrossingRecord {
  return {
    crossingId: 'X-1',
    sealId: 'SEAL-1',
    controlPoint: 'LMC',
    direction: 'NORTHBOUND',
    decision: 'INSPECT',
    reasons: ['ALARM_TAMPER'],
    tap: null,
    anchoredToCounter: 80,
    ...(alarms ? { alarms } : {}),
    declarations: [],
    draw: { value: 0.5, rate: 0.05, selected: false, inputs: [] },
    decided: { ...act('tx-decide', decidedMinute), action: 'DECIDE' },
    inspection: { status: 'OPEN', outcome: null },
  };
}

const clearing: CrossingActRecord = { ...act('tx-clear', 30), action: 'RECORD_OUTCOME' };

describe('which alarms a CLEARED outcome settles', () => {
  it('those the decision listed, not cleared already, with what the inspection covered', () => {
    const before = seal('SEAL-1', [
      alarm('tx-a1', 1),
      alarm('tx-a2', 2, {
        clearedBy: { crossingId: 'X-0', ...act('tx-old', 3), throughCounter: 9 },
      }),
      alarm('tx-a3', 20),
    ]);
    const record = crossing(10, [{ kind: 'TAMPER', txId: 'tx-a1', at: at(1) }]);
    const { seal: after, cleared } = clearAlarms(before, record, clearing);
    expect(cleared).toEqual([{ kind: 'TAMPER', txId: 'tx-a1' }]);
    expect(after.alarms[0]?.clearedBy).toEqual({
      crossingId: 'X-1',
      actor: OFFICER,
      at: at(30),
      txId: 'tx-clear',
      throughCounter: 80,
    });
    expect(after.alarms[1]).toEqual(before.alarms[1]);
    expect(after.alarms[2]?.clearedBy).toBeUndefined();
  });

  it('for a record from before decisions listed alarms: those raised by the decision time', () => {
    const before = seal('SEAL-1', [alarm('tx-a1', 1), alarm('tx-a3', 20)]);
    const { cleared } = clearAlarms(before, crossing(10), clearing);
    expect(cleared.map((c) => c.txId)).toEqual(['tx-a1']);
  });
});

describe('which hold causes are cleared alarms', () => {
  const cleared = { crossingId: 'X-1', ...act('tx-clear', 30), throughCounter: 80 };
  const here = seal('SEAL-1', [alarm('tx-a1', 1, { clearedBy: cleared }), alarm('tx-a2', 2)]);
  const other = seal('SEAL-2', [alarm('tx-b1', 1)]);
  const cause = (txId: string, sealId?: string): HoldCause => ({
    ...act(txId, 1),
    action: 'HOLD',
    ...(sealId ? { sealId } : {}),
  });
  const seals = new Map([['SEAL-2', other]]);

  it('an alarm of this seal cleared; a cause from before causes named their seal too', () => {
    expect(isClearedAlarm(cause('tx-a1', 'SEAL-1'), here, seals)).toBe(true);
    expect(isClearedAlarm(cause('tx-a1'), here, seals)).toBe(true);
  });

  it('not an alarm still raised, on this seal or another, nor an act that is no alarm', () => {
    expect(isClearedAlarm(cause('tx-a2', 'SEAL-1'), here, seals)).toBe(false);
    expect(isClearedAlarm(cause('tx-b1', 'SEAL-2'), here, seals)).toBe(false);
    expect(isClearedAlarm(cause('tx-officer-hold'), here, seals)).toBe(false);
    expect(isClearedAlarm(cause('tx-a1', 'SEAL-9'), here, seals)).toBe(false);
  });
});

describe('reasons', () => {
  it('only the note of a cleared alarm leaves a decision GO', () => {
    expect(NOTED_REASONS).toEqual(['ALARM_CLEARED_BY_INSPECTION']);
    expect(CROSSING_REASONS.filter((r) => !callsForInspection(r))).toEqual(NOTED_REASONS);
  });
});

describe('where a tap may be recorded', () => {
  it("at Macao's control points by Macao customs only, and Macao customs nowhere else", () => {
    const mo: Actor = { mspId: 'MOCustomsMSP', id: 'mo', role: 'customs-officer' };
    const hk: Actor = { mspId: 'HKCustomsMSP', id: 'hk', role: 'customs-officer' };
    const gd: Actor = { mspId: 'GDCustomsMSP', id: 'gd', role: 'customs-officer' };
    const macao = Object.entries(CONTROL_POINTS)
      .filter(([, c]) => c.jurisdiction === 'MO')
      .map(([id]) => id);
    expect(macao.sort()).toEqual(['BGMO', 'HQMO', 'HZMBMO']);
    for (const point of macao) {
      expect(() => requireCheckpointAt(mo, point)).not.toThrow();
      for (const other of [hk, gd])
        expect(() => requireCheckpointAt(other, point)).toThrow(
          expect.objectContaining({ code: 'FORBIDDEN', reason: 'CONTROL_POINT_OF_OTHER_SIDE' }),
        );
    }
    for (const point of ['LMC', 'HGG', 'SZBHK', 'SZBGD'])
      expect(() => requireCheckpointAt(mo, point)).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', reason: 'CONTROL_POINT_OF_OTHER_SIDE' }),
      );
    // Decisions likewise: Macao's control points by Macao customs, the GD-HK boundary by
    // either customs service as before, never by Macao's.
    for (const point of macao) {
      expect(() => requireDeciderAt(mo, point)).not.toThrow();
      for (const other of [hk, gd])
        expect(() => requireDeciderAt(other, point)).toThrow(
          expect.objectContaining({ code: 'FORBIDDEN', reason: 'CONTROL_POINT_OF_OTHER_SIDE' }),
        );
    }
    for (const point of ['LMC', 'HGG']) {
      for (const customs of [hk, gd]) expect(() => requireDeciderAt(customs, point)).not.toThrow();
      expect(() => requireDeciderAt(mo, point)).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', reason: 'CONTROL_POINT_OF_OTHER_SIDE' }),
      );
    }
    // Each Macao control point is on a route a seal can be applied for.
    for (const point of macao)
      expect(Object.values(ROUTES).some((points) => points.includes(point))).toBe(true);
  });

  it('at a control point that exists, by its own side', () => {
    const hk: Actor = { mspId: 'HKCustomsMSP', id: 'hk', role: 'customs-officer' };
    expect(() => requireCheckpointAt(hk, 'LMC')).not.toThrow();
    expect(() => requireCheckpointAt(hk, 'HGG')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', reason: 'CONTROL_POINT_OF_OTHER_SIDE' }),
    );
    expect(() => requireCheckpointAt(hk, 'XYZ')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', reason: 'UNKNOWN_CONTROL_POINT' }),
    );
    // Names of Object.prototype are no control points either.
    expect(() => requireCheckpointAt(hk, 'constructor')).toThrow(
      expect.objectContaining({ reason: 'UNKNOWN_CONTROL_POINT' }),
    );
  });
});
